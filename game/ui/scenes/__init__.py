"""Screens on a stack: title -> participant code -> brief -> player -> end -> next or summary."""
