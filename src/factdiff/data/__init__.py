"""Small lookup tables shipped with factdiff (Python modules, so no package-data is needed)."""
