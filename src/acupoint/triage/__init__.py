"""Enterprise triage (三个一批 / 亩均效益评价): yearly evaluation runs and their results."""
