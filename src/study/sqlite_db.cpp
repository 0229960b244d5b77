// SQLite RAII layer (see sqlite_db.hpp).
#include "study/sqlite_db.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <thread>

#include "psyface/error.hpp"

namespace psyface::study {

SqliteDb::SqliteDb(const std::filesystem::path& path, bool create) : path_(path) {
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(create ? ErrorCode::Output : ErrorCode::Input, "cannot open " + path.string() + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 60000);  // other processes hold the write lock only for short transactions
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

void SqliteDb::fail(const std::string& what) const {
  throw Error(ErrorCode::Output, path_.string() + ": " + what + ": " + sqlite3_errmsg(db_));
}

void SqliteDb::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw Error(ErrorCode::Output, path_.string() + ": " + msg + " (in: " + sql.substr(0, 80) + ")");
  }
}

void SqliteDb::set_journal_mode(const std::string& mode) {
  auto current = [&] {
    Statement q(*this, "PRAGMA journal_mode");
    const std::string m = q.step() ? q.text(0) : "";
    q.run();
    return m;
  };
  if (current() == mode) return;
  // Changing the journal mode needs the database to itself, and SQLite answers SQLITE_BUSY at once (or
  // keeps the old mode) instead of calling the busy handler, as seen when Slurm starts an array's tasks
  // together on a new study: retry while other processes hold it.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (auto pause = std::chrono::milliseconds(2);; pause = std::min(pause * 2, std::chrono::milliseconds(200))) {
    {
      Statement q(*this, "PRAGMA journal_mode=" + mode);
      const int rc = sqlite3_step(q.handle());
      if (rc == SQLITE_ROW && q.text(0) == mode) return;
      if (rc != SQLITE_ROW && (rc & 0xff) != SQLITE_BUSY) fail("cannot set journal_mode=" + mode);
    }
    if (std::chrono::steady_clock::now() > deadline)
      throw Error(ErrorCode::Output, path_.string() + ": cannot switch to journal_mode=" + mode +
                                         " within 60 s: other processes keep the database open, or this "
                                         "filesystem does not allow it" +
                                         (mode == "wal" ? " (on a network filesystem use --journal delete)" : ""));
    std::this_thread::sleep_for(pause);
  }
}

int64_t SqliteDb::query_int(const std::string& sql) {
  Statement q(*this, sql);
  const int64_t v = q.step() ? q.integer(0) : 0;
  q.run();
  return v;
}

Statement::Statement(SqliteDb& db, const std::string& sql) : db_(db) {
  if (sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &stmt_, nullptr) != SQLITE_OK)
    db.fail("cannot prepare '" + sql.substr(0, 80) + "'");
}
Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int index, const std::string& v) {
  if (sqlite3_bind_text(stmt_, index, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    db_.fail("bind");
  return *this;
}
Statement& Statement::bind(int index, double v) {
  if (!std::isfinite(v)) return bind_null(index);
  if (sqlite3_bind_double(stmt_, index, v) != SQLITE_OK) db_.fail("bind");
  return *this;
}
Statement& Statement::bind(int index, int64_t v) {
  if (sqlite3_bind_int64(stmt_, index, v) != SQLITE_OK) db_.fail("bind");
  return *this;
}
Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_, index) != SQLITE_OK) db_.fail("bind");
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) {
    sqlite3_reset(stmt_);
    return false;
  }
  sqlite3_reset(stmt_);
  db_.fail("statement failed");
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int Statement::type(int col) const { return sqlite3_column_type(stmt_, col); }
std::string Statement::text(int col) const {
  const auto* p = sqlite3_column_text(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(stmt_, col)) : std::string();
}
double Statement::real(int col) const { return is_null(col) ? std::nan("") : sqlite3_column_double(stmt_, col); }
int64_t Statement::integer(int col) const { return sqlite3_column_int64(stmt_, col); }
int Statement::columns() const { return sqlite3_column_count(stmt_); }
std::string Statement::column_name(int col) const { return sqlite3_column_name(stmt_, col); }

Transaction::Transaction(SqliteDb& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
Transaction::~Transaction() {
  if (!done_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}
void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace psyface::study
