"""The domain: text in, places and mentions out, storage and export."""
