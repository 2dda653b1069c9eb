"""The course of a job after it is sent: settling a lost submission, following, and
finding its charge, in one place for the window and the command line."""
