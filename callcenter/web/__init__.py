"""The web application: admin pages, the switchboard board, dashboards and the JSON API.

An entry point like the CLI: it uses the store, the domain and the adapters; nothing
imports it except the service that starts it::

    app = create_app(store, settings, clock, live)   # callcenter.web.app
    server = await start_web(app, settings.web.host, settings.web.port)  # .server
    ...
    await server.stop()

A schedule change made here only writes the database (audited); the running service
notices the new audit entry and pushes the state to the PBX. `live` (a `LiveView`) is
what the running service knows about the PBX; without it the pages show „–“.
"""
