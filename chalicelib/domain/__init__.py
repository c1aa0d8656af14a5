"""Framework-free business rules: entities, validation and services."""
