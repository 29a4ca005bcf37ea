"""Helpers for reading the web tests' responses."""


def media(response) -> str:
    """The media type of a response, without its parameters."""
    return response.headers["content-type"].split(";")[0]
