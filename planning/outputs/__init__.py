"""What people read: labels in their language, formatted Excel files, the
printable report, rosters, packages for host units and the one-screen summary."""
