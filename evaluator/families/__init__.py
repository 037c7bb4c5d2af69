"""Form families side by side: each folder holds one form's detector and reader, its model, its
derived figures, its rules and its editions (the form's definitions, as validated YAML)."""
