"""The stored name of the import task, for jobs queued before it moved to profiles.jobs.tasks.

A queued task is stored by module path: a database or Redis queue may still hold
`profiles.tasks.run_import_job` from an earlier version; this keeps it importable.
"""

from profiles.jobs.tasks import run_import_job

__all__ = ["run_import_job"]
