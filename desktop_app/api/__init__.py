"""The AI/ML API client: typed requests and responses, errors, retries. No Qt here."""
