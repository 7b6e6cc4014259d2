"""Saving: the serialization registry now; `.keras` files and export come with the saving issue."""
