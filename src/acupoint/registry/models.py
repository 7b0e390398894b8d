"""Districts, parks, clusters, enterprises and the annual panel everything is computed from."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from acupoint.registry import industry
from acupoint.registry.fields import BY_CODE
from acupoint.registry.geometry import boundary_problem
from acupoint.registry.importing.parsing import CellError
from acupoint.registry.importing.problems import MESSAGES
from acupoint.registry.importing.validate import parse_credit_code


class District(models.Model):
    """An evaluation unit: a district (区市), or a function zone (高新区, 保税港区 and the like)
    that publishes its own class lists. A firm belongs to exactly one unit; a zone lies within
    a district, whose prices and rules of place apply to the zone's firms."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("district")
        ZONE = "zone", _("function zone")

    code = models.CharField(_("administrative code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices,
                            default=Kind.DISTRICT)
    parent = models.ForeignKey("self", verbose_name=_("within district"), null=True,
                               blank=True, on_delete=models.PROTECT, related_name="zones")

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [models.CheckConstraint(
            condition=models.Q(kind="district", parent__isnull=True)
            | models.Q(kind="zone", parent__isnull=False),
            name="district_zone_lies_within_a_district")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parent is not None and self.parent.kind != self.Kind.DISTRICT:
            raise ValidationError(_("A function zone lies within a district, not a zone."))

    @property
    def location(self) -> District:
        """The district a unit stands in: itself, or a zone's district."""
        return self.parent or self


class Park(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="parks")

    class Meta:
        ordering = ["district", "name"]
        verbose_name = _("park")
        verbose_name_plural = _("parks")

    def __str__(self) -> str:
        return self.name


def validate_industry_codes(codes: list) -> None:
    if not isinstance(codes, list) or not codes:
        raise ValidationError(_("List at least one leading industry code."))
    unknown = [code for code in codes if industry.table().get(str(code)) is None]
    if unknown:
        raise ValidationError(_("Unknown GB/T 4754-2017 codes: %(codes)s"),
                              params={"codes": ", ".join(map(str, unknown))})


def validate_boundary(value: dict) -> None:
    problem = boundary_problem(value)
    if problem:
        raise ValidationError(problem)


class Cluster(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="clusters")
    field = models.CharField(_("industry field"), max_length=50, blank=True)
    leading_industries = models.JSONField(
        _("leading industries"), default=list, validators=[validate_industry_codes],
        help_text=_("GB/T 4754-2017 codes (division, group or class)."),
    )
    boundary = models.JSONField(_("boundary"), null=True, blank=True,
                                validators=[validate_boundary],
                                help_text=_("GeoJSON Polygon or MultiPolygon, WGS 84."))
    area_km2 = models.FloatField(_("area (km²)"), null=True, blank=True)
    management_body = models.CharField(_("management body"), max_length=200, blank=True)
    has_creation_plan = models.BooleanField(_("creation plan"), default=False)
    has_development_plan = models.BooleanField(_("development plan"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")

    def __str__(self) -> str:
        return self.name


def validate_credit_code(value: str) -> None:
    """The importer's check and wording, for forms and the admin site."""
    try:
        parse_credit_code(value)
    except CellError as error:
        raise ValidationError(MESSAGES[error.code], params=error.params) from error


def validate_industry_class(value: str) -> None:
    if industry.lookup(value) is None:
        raise ValidationError(_("%(value)s is not a GB/T 4754-2017 class code."),
                              params={"value": value})


class ImportBatch(models.Model):
    """One file brought into the registry: who, what, how many rows, and every problem."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Importing")
        LANDED = "landed", _("Landed")
        REJECTED = "rejected", _("Rejected")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="import_batches")
    # While the worker reads an upload: where it waits, and how many rows are read so far.
    upload = models.CharField(max_length=255, blank=True)
    progress_rows = models.PositiveIntegerField(_("rows read"), default=0)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    enterprises_created = models.PositiveIntegerField(default=0)
    enterprises_updated = models.PositiveIntegerField(default=0)
    annual_created = models.PositiveIntegerField(default=0)
    annual_updated = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"

    @property
    def unchanged(self) -> bool:
        return not (self.enterprises_created or self.enterprises_updated
                    or self.annual_created or self.annual_updated)


class Enterprise(models.Model):
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True,
                                   validators=[validate_credit_code])
    name = models.CharField(_("name"), max_length=200, db_index=True)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT,
                                 related_name="enterprises")
    park = models.ForeignKey(Park, verbose_name=_("park"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="enterprises")
    cluster = models.ForeignKey(Cluster, verbose_name=_("cluster"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="enterprises")
    # Set explicitly (an import naming the cluster) rather than found by the site's boundary.
    cluster_assigned = models.BooleanField(_("cluster assigned explicitly"), default=False,
                                           db_default=False)
    industry_code = models.CharField(_("industry code"), max_length=4,
                                     validators=[validate_industry_class], db_index=True)
    above_scale = models.BooleanField(_("above designated size"), default=False)
    founded = models.DateField(_("founding date"), null=True, blank=True)
    above_scale_since = models.PositiveSmallIntegerField(
        _("above designated size since"), null=True, blank=True)
    land_mu = models.FloatField(_("land area (亩)"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    import_batch = models.ForeignKey(ImportBatch, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(_("source"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["credit_code"]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        indexes = [
            models.Index(fields=["district", "credit_code"]),
            models.Index(fields=["cluster", "credit_code"]),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(land_mu__isnull=True)
                                   | models.Q(land_mu__gt=0), name="enterprise_land_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def industry_name(self) -> str:
        return industry.name(self.industry_code)


def _measure_field(code: str) -> models.Field:
    column = BY_CODE[code]
    field_class = {"integer": models.IntegerField, "bool": models.BooleanField}.get(
        column.kind, models.FloatField)
    return field_class(column.label, null=True, blank=True)


class AnnualData(models.Model):
    """One enterprise's figures for one year; units are declared in `registry.fields`."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("enterprise"),
                                   on_delete=models.CASCADE, related_name="annual")
    year = models.PositiveSmallIntegerField(_("year"))
    revenue = _measure_field("revenue")
    tax = _measure_field("tax")
    value_added = _measure_field("value_added")
    energy_tce = _measure_field("energy_tce")
    emissions = _measure_field("emissions")
    rd_spend = _measure_field("rd_spend")
    employees = _measure_field("employees")
    fixed_asset_investment = _measure_field("fixed_asset_investment")
    equipment_investment = _measure_field("equipment_investment")
    exports = _measure_field("exports")
    electricity_kwh = _measure_field("electricity_kwh")
    gas_m3 = _measure_field("gas_m3")
    water_m3 = _measure_field("water_m3")
    land_use_tax = _measure_field("land_use_tax")
    major_accident = _measure_field("major_accident")
    energy_target_missed = _measure_field("energy_target_missed")
    under_construction = _measure_field("under_construction")
    land_unused = _measure_field("land_unused")
    import_batch = models.ForeignKey(ImportBatch, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    source = models.CharField(_("source"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["enterprise", "year"]
        verbose_name = _("annual data")
        verbose_name_plural = _("annual data")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="annual_one_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year}"


class CalendarDay(models.Model):
    """A day of a year's official holiday schedule the bureau entered (a holiday, or a weekend
    day worked in its place), for years the shipped calendar does not know yet."""

    day = models.DateField(_("day"), unique=True)
    working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=100, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.day} {'班' if self.working else '休'}"
