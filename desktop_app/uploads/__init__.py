"""Local clips as references: checked on this computer, uploaded once to the creator's
own S3-compatible bucket, and sent as presigned links that expire."""
