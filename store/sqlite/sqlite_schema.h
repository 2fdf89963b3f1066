// Versioned migrations of the SQLite schema, tracked in PRAGMA user_version.
#pragma once

#include <sqlite3.h>

#include <climits>
#include <functional>
#include <string_view>

#include "base/status.h"

namespace fg::sqlite {

// Brings the database to the newest schema in one transaction. On any failure (reading the
// version, a migration, setting the version, the commit) the transaction is rolled back and the
// error returned: nothing changes. Fails the same way if the file's schema is newer than this
// binary knows. `inject_failure` (tests; may be empty) can make a step fail; `up_to` (tests) stops
// at that version, to build a database as an older binary left it.
Status Migrate(sqlite3* db, const std::function<bool(std::string_view)>& inject_failure,
               int up_to = INT_MAX);

}  // namespace fg::sqlite
