"""Backups that restore: `manage.py backup_registry` and `manage.py restore_registry`.

create.py takes a backup (database copy, uploaded files, manifest) into one dated archive;
restore.py brings one back into an empty database and media folder and checks it; archive.py is
the tar format and retention; database.py, sqlite.py and postgres.py copy and load each database;
manifest.py is what an archive promises (row counts, migrations, checksums).
"""
