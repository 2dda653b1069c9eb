"""Where a job changes state: the job service (submit, follow, download, resume, forget),
its back-off, and the clip library. No Qt here."""
