"""The planning office: sign-in and roles on JupyterHub, and the pages every role opens.

- :mod:`.config` reads ``office.toml``;
- :mod:`.accounts` keeps the accounts (the hub's own, with a role and, for host units, their units);
- :mod:`.hub` is the hub's configuration: authenticator, roles, planners' JupyterLab, services;
- :mod:`.gate` is the dashboards service: it lets signed-in people through to Voila, only to the
  pages their role may open, with a signed pass naming them (:mod:`planning.programme.access`);
- :mod:`.voila` starts Voila as the pages need it (also for ``planning serve``).
"""
