"""No worker jobs yet: a map is checked and its graph built when it is published (``services``)."""
