"""Faces: translation layers from an existing API's shapes to the domain and back."""
