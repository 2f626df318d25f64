#include "src/task/schema_history.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "src/catalog/table_def_json.hpp"
#include "src/task/position_json.hpp"
#include "src/task/private_files.hpp"

namespace omsql {
namespace {

using nlohmann::json;

constexpr const char* kFileName = "/schema-history.jsonl";

std::string errno_text() { return std::strerror(errno); }

// The directory entry of a new file is durable only once its directory is fsynced.
Status sync_directory(const std::string& file) {
  std::string directory = file.substr(0, file.rfind('/'));
  int fd = ::open(directory.empty() ? "/" : directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Status::io_error("directory " + directory + ": cannot open: " + errno_text());
  int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return Status::io_error("directory " + directory + ": fsync: " + errno_text());
  return Status::ok();
}

}  // namespace

Result<SchemaHistory> SchemaHistory::open(const std::string& task_dir) {
  SchemaHistory history(task_dir + kFileName);
  OMSQL_RETURN_IF_ERROR(history.read_from(0));
  return history;
}

Status SchemaHistory::refresh() { return read_from(good_end_); }

Status SchemaHistory::read_from(uint64_t offset) {
  int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return Status::ok();
    return Status::io_error(path_ + ": cannot open: " + errno_text());
  }
  std::string data;
  char buffer[1 << 16];
  off_t at = static_cast<off_t>(offset);
  for (;;) {
    ssize_t n = ::pread(fd, buffer, sizeof buffer, at);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = Status::io_error(path_ + ": read: " + errno_text());
      ::close(fd);
      return s;
    }
    if (n == 0) break;
    data.append(buffer, static_cast<size_t>(n));
    at += n;
  }
  ::close(fd);
  size_t begin = 0;
  for (;;) {
    size_t newline = data.find('\n', begin);
    // No newline after the last bytes: a record whose write a crash tore (or one the writer is
    // appending right now). It is not part of the history; the writer's next record cuts it off.
    if (newline == std::string::npos) break;
    OMSQL_RETURN_IF_ERROR(apply_line(data.substr(begin, newline - begin), lines_ + 1));
    ++lines_;
    begin = newline + 1;
    good_end_ = offset + begin;
  }
  return Status::ok();
}

Status SchemaHistory::apply_line(const std::string& line, size_t line_number) {
  auto damaged = [&](const std::string& why) {
    return Status::corruption(path_ + ":" + std::to_string(line_number) + ": damaged schema history record (" + why +
                              ")");
  };
  json j = json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return damaged("not a JSON object");
  try {
    const std::string kind = j.at("kind").get<std::string>();
    auto read_at = position_from_json(j.at("at"), "position");
    if (!read_at) return damaged(read_at.status().message());
    SourcePosition at = std::move(read_at).value();
    if (kind == "base") {
      if (base_) return damaged("a second base");
      base_ = at;
      for (const auto& t : j.at("tables")) {
        auto def = table_def_from_json(t);
        if (!def) return damaged(def.status().message());
        entries_[def->name].push_back(Entry{at, std::move(*def), "", true});
      }
    } else if (kind == "ddl") {
      auto table = qualified_name_from_json(j.at("table"));
      if (!table) return damaged(table.status().message());
      std::optional<TableDef> after;
      if (!j.at("after").is_null()) {
        auto def = table_def_from_json(j.at("after"));
        if (!def) return damaged(def.status().message());
        after = std::move(*def);
      }
      entries_[*table].push_back(Entry{at, std::move(after), text_from_json(j.at("statement")), false});
    } else {
      return damaged("unknown kind '" + kind + "'");
    }
    if (last_ && at < *last_) return damaged("position " + at.str() + " before the previous record's " + last_->str());
    last_ = at;
  } catch (const std::exception& e) {
    return damaged(e.what());
  }
  return Status::ok();
}

Status SchemaHistory::append(const std::string& line) {
  struct stat st;
  bool existed = ::lstat(path_.c_str(), &st) == 0;
  auto fd = open_private_file(path_, O_WRONLY | O_APPEND | O_NOFOLLOW);
  if (!fd) return fd.status();
  auto fail = [&](const std::string& what) {
    Status s = Status::io_error(path_ + ": " + what + ": " + errno_text());
    ::close(*fd);
    return s;
  };
  if (::fstat(*fd, &st) != 0) return fail("fstat");
  if (static_cast<uint64_t>(st.st_size) < good_end_) {
    ::close(*fd);
    return Status::corruption(path_ + ": shorter (" + std::to_string(st.st_size) + " bytes) than the " +
                              std::to_string(good_end_) + " bytes already read: changed by someone else");
  }
  // Cut off a torn last record, so that this one starts on a line of its own.
  if (static_cast<uint64_t>(st.st_size) > good_end_ && ::ftruncate(*fd, static_cast<off_t>(good_end_)) != 0)
    return fail("cannot cut off a torn record");
  std::string bytes = line + "\n";
  size_t written = 0;
  while (written < bytes.size()) {
    ssize_t n = ::write(*fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Status s = fail("write");
      // Leave no half record behind where the next append would not cut it: good_end_ is unchanged.
      return s;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(*fd) != 0) return fail("fsync");
  ::close(*fd);
  if (!existed) OMSQL_RETURN_IF_ERROR(sync_directory(path_));
  good_end_ += bytes.size();
  ++lines_;
  return Status::ok();
}

Status SchemaHistory::record_base(const SourcePosition& start, const std::vector<TableDef>& tables) {
  if (base_) return Status::ok();
  if (last_ && start < *last_)
    return Status::invalid_argument(path_ + ": base at " + start.str() + " before the recorded " + last_->str());
  json defs = json::array();
  for (const auto& t : tables) defs.push_back(to_json(t));
  std::string line;
  try {
    line = json{{"kind", "base"}, {"at", position_json(start)}, {"tables", defs}}.dump();
  } catch (const json::exception& e) {
    return Status::invalid_argument(path_ + ": cannot write the base: " + e.what());
  }
  OMSQL_RETURN_IF_ERROR(append(line));
  base_ = start;
  for (const auto& t : tables) entries_[t.name].push_back(Entry{start, t, "", true});
  last_ = start;
  return Status::ok();
}

Status SchemaHistory::record(const SourcePosition& at, const QualifiedName& table,
                             const std::optional<TableDef>& after, const std::string& statement) {
  if (auto it = entries_.find(table); it != entries_.end())
    for (const auto& e : it->second)
      if (e.at == at && !e.base) return Status::ok();
  if (last_ && at < *last_)
    return Status::invalid_argument(path_ + ": DDL on " + table.str() + " at " + at.str() +
                                    " is before the last recorded position " + last_->str());
  std::string line;
  try {
    line = json{{"kind", "ddl"},
                {"at", position_json(at)},
                {"table", to_json(table)},
                {"after", after ? to_json(*after) : json(nullptr)},
                {"statement", text_json(statement)}}
               .dump();
  } catch (const json::exception& e) {
    return Status::invalid_argument(path_ + ": cannot write the DDL record for " + table.str() + ": " + e.what());
  }
  OMSQL_RETURN_IF_ERROR(append(line));
  entries_[table].push_back(Entry{at, after, statement, false});
  last_ = at;
  return Status::ok();
}

const SchemaHistory::Entry* SchemaHistory::find(const QualifiedName& table, const SourcePosition& position,
                                                bool inclusive) const {
  auto it = entries_.find(table);
  if (it == entries_.end()) return nullptr;
  const Entry* found = nullptr;
  for (const auto& e : it->second) {
    if (inclusive ? e.at > position : e.at >= position) break;
    found = &e;
  }
  return found;
}

std::optional<TableDef> SchemaHistory::at(const QualifiedName& table, const SourcePosition& position) const {
  const Entry* e = find(table, position, true);
  return e ? e->definition : std::nullopt;
}

std::optional<TableDef> SchemaHistory::before(const QualifiedName& table, const SourcePosition& position) const {
  const Entry* e = find(table, position, false);
  return e ? e->definition : std::nullopt;
}

bool SchemaHistory::recorded_at(const QualifiedName& table, const SourcePosition& position) const {
  auto it = entries_.find(table);
  if (it == entries_.end()) return false;
  for (const auto& e : it->second)
    if (!e.base && e.at == position) return true;
  return false;
}

std::vector<TableDef> SchemaHistory::tables_at(const SourcePosition& position) const {
  std::vector<TableDef> out;
  for (const auto& [name, list] : entries_)
    if (const Entry* e = find(name, position, true); e && e->definition) out.push_back(*e->definition);
  return out;
}

}  // namespace omsql
