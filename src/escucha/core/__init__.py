"""The ground floor: basics every domain shares (labels, text folding, UTC times, the item
envelope, rejected records, secrets, the feature context). It imports nothing above
`escucha.errors` and `escucha.config`."""
