"""Engine utilities that need no framework (e.g. `tree`, for nested structures)."""
