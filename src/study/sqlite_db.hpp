// A thin RAII layer over the SQLite C API (Debian's libsqlite3): one connection, prepared statements,
// transactions that roll back unless committed. Every failure throws Error(Output) naming the database.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace psyface::study {

class SqliteDb;

class Statement {
 public:
  Statement(SqliteDb& db, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& v);
  Statement& bind(int index, double v);  // NaN binds NULL
  Statement& bind(int index, int64_t v);
  Statement& bind(int index, int v) { return bind(index, static_cast<int64_t>(v)); }
  Statement& bind_null(int index);
  // ensures: true while a row is available.
  bool step();
  void run() { while (step()) {} }

  bool is_null(int col) const;
  int type(int col) const;  // SQLITE_NULL, SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT or SQLITE_BLOB
  std::string text(int col) const;  // "" for NULL
  double real(int col) const;       // NaN for NULL
  int64_t integer(int col) const;   // 0 for NULL
  int columns() const;
  std::string column_name(int col) const;
  sqlite3_stmt* handle() { return stmt_; }

 private:
  SqliteDb& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDb {
 public:
  // Opens (creating when `create`) the database. throws Error(Output) (Error(Input) when it must exist).
  SqliteDb(const std::filesystem::path& path, bool create);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void exec(const std::string& sql);
  // Sets PRAGMA journal_mode ("wal" or "delete"), waiting up to 60 s while other processes use the file.
  // throws Error(Output) when the mode cannot be set (e.g. WAL on a filesystem without shared memory).
  void set_journal_mode(const std::string& mode);
  // The first column of the first row of a query without parameters (0 when there is no row).
  int64_t query_int(const std::string& sql);
  int64_t changes() const { return sqlite3_changes(db_); }
  [[noreturn]] void fail(const std::string& what) const;
  sqlite3* handle() { return db_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
};

// BEGIN IMMEDIATE (takes the write lock at once, so busy_timeout applies) ... COMMIT; rolls back when
// destroyed without commit().
class Transaction {
 public:
  explicit Transaction(SqliteDb& db);
  ~Transaction();
  void commit();

 private:
  SqliteDb& db_;
  bool done_ = false;
};

}  // namespace psyface::study
