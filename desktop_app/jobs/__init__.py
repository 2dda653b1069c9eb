"""The job lifecycle: submit, follow, download, resume. No Qt here."""
