// Private to storage/: the catalog's schema, as an ordered list of migrations.
//
// PRAGMA user_version records how many migrations a database has applied. Each pending one runs
// in its own transaction together with the version bump, so a crash leaves the database at a
// whole version. Migrations are only ever appended: a released step is never edited.
#pragma once

#include "storage/result.hpp"
#include "storage/sqlite_handle.hpp"

namespace mirrord {

// The version a database reaches after all migrations known to this build.
int latest_schema_version();

// Applies the pending migrations; refuses (kInvalidInput) a database written by a newer build.
Status apply_migrations(SqliteDb& db);

}  // namespace mirrord
