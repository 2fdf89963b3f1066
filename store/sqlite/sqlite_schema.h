// Versioned migrations of the SQLite schema, tracked in PRAGMA user_version.
#pragma once

#include <sqlite3.h>

#include "base/status.h"

namespace fg::sqlite {

// Brings the database to the newest schema in one transaction. Fails without changing anything
// if the file's schema is newer than this binary knows.
Status Migrate(sqlite3* db);

}  // namespace fg::sqlite
