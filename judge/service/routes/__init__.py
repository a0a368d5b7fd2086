"""The API's routes, one module per resource: submissions, judge (synchronous), problems, health."""
