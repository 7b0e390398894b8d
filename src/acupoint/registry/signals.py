"""What the registry tells other apps without knowing them."""

from django.dispatch import Signal

# Sent once an import batch is finished and committed (landed or rejected): ``batch_id``.
import_finished = Signal()
