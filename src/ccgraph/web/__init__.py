"""The web adapter (the `server` extra: starlette, uvicorn, jinja2): the app `ccgraph serve`
runs, a thin layer that reads requests, calls the library and renders its answers.

- `app`: the Starlette app built from the route modules, its size limits, the server;
- `sparql`: the SPARQL 1.1 Protocol endpoint; `rest` and `openapi`: the saved queries as
  a REST API and its OpenAPI document; `documents`: resource IRIs, their documents, the
  ontology, VoID and the dumps; `pages`: the HTML pages (`templates/`, `static/`);
- `context`: what the routes share (the store, the worker `pool`); `errors`: the one place
  an error becomes a response.

The library never imports this package; it imports the library.
"""
