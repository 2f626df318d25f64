#include "src/task/task_status.hpp"

#include <nlohmann/json.hpp>

namespace omsql {

namespace {

using nlohmann::json;

template <class T>
void put(json& j, const char* key, const std::optional<T>& value) {
  if (value) j[key] = *value;
}

// The value at `key` when it is there with the right type.
template <class T>
std::optional<T> get(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return std::nullopt;
  if constexpr (std::is_same_v<T, bool>) {
    if (!it->is_boolean()) return std::nullopt;
  } else if constexpr (std::is_arithmetic_v<T>) {
    if (!it->is_number()) return std::nullopt;
  } else if constexpr (std::is_same_v<T, std::string>) {
    if (!it->is_string()) return std::nullopt;
  }
  return it->get<T>();
}

template <class T>
T get_or(const json& j, const char* key, T fallback) {
  return get<T>(j, key).value_or(fallback);
}

const json* object_at(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? &*it : nullptr;
}

}  // namespace

json to_json(const LastError& error) {
  return {{"message", error.message}, {"at", error.at}, {"pid", error.pid}, {"phase", error.phase}};
}

LastError last_error_from_json(const json& j) {
  LastError error;
  error.message = get_or<std::string>(j, "message", "");
  error.at = get_or<int64_t>(j, "at", 0);
  error.pid = get_or<int64_t>(j, "pid", 0);
  error.phase = get_or<std::string>(j, "phase", "");
  return error;
}

json to_json(const TaskStatus& s) {
  json j = json::object();
  put(j, "phase", s.phase);
  put(j, "pid", s.pid);
  put(j, "updated_at", s.updated_at);
  if (s.link) {
    const LinkStatus& l = *s.link;
    j["source_position"] = l.source_position;
    j["applied_position"] = l.applied_position;
    put(j, "lag_seconds", l.lag_seconds);
    put(j, "last_lag_seconds", l.last_lag_seconds);
    put(j, "events_per_second", l.events_per_second);
    j["events_applied"] = l.events_applied;
    j["caught_up"] = l.caught_up;
    put(j, "apply_lanes", l.apply_lanes);
    put(j, "capture_paused", l.capture_paused);
    put(j, "spool_bytes", l.spool_bytes);
    put(j, "table_copy", l.table_copy);
  }
  if (s.copies_redone) {
    json redone = json::object();
    for (const auto& [name, why] : *s.copies_redone) redone[name] = why;
    j["copies_redone"] = std::move(redone);
  }
  if (s.tables) {
    json tables = json::object();
    for (const auto& [name, done] : *s.tables) tables[name] = {{"copy_done", done}};
    j["tables"] = std::move(tables);
  }
  j["paused"] = s.paused;
  j["verifying"] = s.verifying;
  if (s.verification) {
    const VerificationStatus& v = *s.verification;
    json verification = {{"id", v.id}, {"running", v.running}};
    if (v.progress) {
      const VerifyProgressStatus& p = *v.progress;
      verification["progress"] = {
          {"tables_done", p.tables_done},         {"tables", p.tables},   {"rows", p.rows},
          {"rows_per_second", p.rows_per_second}, {"seconds", p.seconds}, {"settling", p.settling}};
    }
    if (v.last) {
      const VerificationOutcome& o = *v.last;
      json last = {{"id", o.id}, {"outcome", o.outcome}, {"exit_code", o.exit_code}};
      put(last, "report", o.report);
      put(last, "report_text", o.report_text);
      put(last, "error", o.error);
      put(last, "differences", o.differences);
      verification["last"] = std::move(last);
    }
    j["verification"] = std::move(verification);
  }
  put(j, "ended", s.ended);
  put(j, "max_rows_per_sec", s.max_rows_per_sec);
  put(j, "max_events_per_sec", s.max_events_per_sec);
  if (s.copy) j["copy"] = {{"rows", s.copy->rows}, {"bytes", s.copy->bytes}, {"seconds", s.copy->seconds}};
  if (s.copy_progress) {
    json tables = json::array();
    for (const TableCopyStatus& t : *s.copy_progress)
      tables.push_back({{"source", t.source},
                        {"target", t.target},
                        {"rows", t.rows},
                        {"bytes", t.bytes},
                        {"rows_before_resume", t.rows_before_resume},
                        {"bytes_before_resume", t.bytes_before_resume},
                        {"estimated_rows", t.estimated_rows},
                        {"chunks_done", t.chunks_done},
                        {"seconds", t.seconds},
                        {"done", t.done}});
    j["copy_progress"] = std::move(tables);
  }
  if (s.retries) j["retries"] = *s.retries;
  if (s.last_retry)
    j["last_retry"] = {
        {"what", s.last_retry->what}, {"error", s.last_retry->error}, {"seconds_ago", s.last_retry->seconds_ago}};
  if (s.ddl_stop) {
    json stop = {{"position", s.ddl_stop->position},
                 {"statement", s.ddl_stop->statement},
                 {"reason", s.ddl_stop->reason},
                 {"waiting", !s.ddl_stop->resolution.has_value()},
                 {"commands", s.ddl_stop->commands}};
    put(stop, "resolution", s.ddl_stop->resolution);
    put(stop, "next_run", s.ddl_stop->next_run);
    j["ddl_stop"] = std::move(stop);
  }
  put(j, "running", s.running);
  if (s.last_error) j["last_error"] = to_json(*s.last_error);
  return j;
}

TaskStatus task_status_from_json(const json& j) {
  TaskStatus s;
  if (!j.is_object()) return s;
  s.phase = get<std::string>(j, "phase");
  s.pid = get<int64_t>(j, "pid");
  s.updated_at = get<int64_t>(j, "updated_at");
  // The link's fields are written together; applied_position marks them.
  if (get<std::string>(j, "applied_position")) {
    LinkStatus l;
    l.source_position = get_or<std::string>(j, "source_position", "");
    l.applied_position = get_or<std::string>(j, "applied_position", "");
    l.lag_seconds = get<double>(j, "lag_seconds");
    l.last_lag_seconds = get<double>(j, "last_lag_seconds");
    l.events_per_second = get<double>(j, "events_per_second");
    l.events_applied = get_or<uint64_t>(j, "events_applied", 0);
    l.caught_up = get_or<bool>(j, "caught_up", false);
    l.apply_lanes = get<uint32_t>(j, "apply_lanes");
    l.capture_paused = get<std::string>(j, "capture_paused");
    l.spool_bytes = get<uint64_t>(j, "spool_bytes");
    l.table_copy = get<std::string>(j, "table_copy");
    s.link = std::move(l);
  }
  if (const json* redone = object_at(j, "copies_redone")) {
    std::map<std::string, std::string> m;
    for (const auto& [name, why] : redone->items())
      if (why.is_string()) m[name] = why.get<std::string>();
    s.copies_redone = std::move(m);
  }
  if (const json* tables = object_at(j, "tables")) {
    std::map<std::string, bool> done;
    for (const auto& [name, table] : tables->items())
      done[name] = table.is_object() && get_or<bool>(table, "copy_done", false);
    s.tables = std::move(done);
  }
  s.paused = get_or<bool>(j, "paused", false);
  s.verifying = get_or<bool>(j, "verifying", false);
  if (const json* v = object_at(j, "verification")) {
    VerificationStatus verification;
    verification.id = get_or<uint64_t>(*v, "id", 0);
    verification.running = get_or<bool>(*v, "running", false);
    if (const json* p = object_at(*v, "progress")) {
      VerifyProgressStatus progress;
      progress.tables_done = get_or<uint64_t>(*p, "tables_done", 0);
      progress.tables = get_or<uint64_t>(*p, "tables", 0);
      progress.rows = get_or<uint64_t>(*p, "rows", 0);
      progress.rows_per_second = get_or<double>(*p, "rows_per_second", 0);
      progress.seconds = get_or<double>(*p, "seconds", 0);
      progress.settling = get_or<std::string>(*p, "settling", "");
      verification.progress = std::move(progress);
    }
    if (const json* o = object_at(*v, "last")) {
      VerificationOutcome last;
      last.id = get_or<uint64_t>(*o, "id", 0);
      last.outcome = get_or<std::string>(*o, "outcome", "?");
      last.exit_code = get_or<int>(*o, "exit_code", 1);
      last.report = get<std::string>(*o, "report");
      last.report_text = get<std::string>(*o, "report_text");
      last.error = get<std::string>(*o, "error");
      last.differences = get<uint64_t>(*o, "differences");
      verification.last = std::move(last);
    }
    s.verification = std::move(verification);
  }
  s.ended = get<std::string>(j, "ended");
  s.max_rows_per_sec = get<int64_t>(j, "max_rows_per_sec");
  s.max_events_per_sec = get<int64_t>(j, "max_events_per_sec");
  if (const json* c = object_at(j, "copy"))
    s.copy = CopySummary{get_or<uint64_t>(*c, "rows", 0), get_or<uint64_t>(*c, "bytes", 0),
                         get_or<double>(*c, "seconds", 0)};
  if (auto it = j.find("copy_progress"); it != j.end() && it->is_array()) {
    std::vector<TableCopyStatus> tables;
    for (const json& t : *it) {
      if (!t.is_object()) continue;
      TableCopyStatus table;
      table.source = get_or<std::string>(t, "source", "");
      table.target = get_or<std::string>(t, "target", "");
      table.rows = get_or<uint64_t>(t, "rows", 0);
      table.bytes = get_or<uint64_t>(t, "bytes", 0);
      table.rows_before_resume = get_or<uint64_t>(t, "rows_before_resume", 0);
      table.bytes_before_resume = get_or<uint64_t>(t, "bytes_before_resume", 0);
      table.estimated_rows = get_or<uint64_t>(t, "estimated_rows", 0);
      table.chunks_done = get_or<uint64_t>(t, "chunks_done", 0);
      table.seconds = get_or<double>(t, "seconds", 0);
      table.done = get_or<bool>(t, "done", false);
      tables.push_back(std::move(table));
    }
    s.copy_progress = std::move(tables);
  }
  if (const json* r = object_at(j, "retries")) {
    std::map<std::string, uint64_t> retries;
    for (const auto& [kind, count] : r->items())
      if (count.is_number_unsigned()) retries[kind] = count.get<uint64_t>();
    s.retries = std::move(retries);
  }
  if (const json* r = object_at(j, "last_retry"))
    s.last_retry = RetryNote{get_or<std::string>(*r, "what", ""), get_or<std::string>(*r, "error", ""),
                             get_or<double>(*r, "seconds_ago", 0)};
  if (const json* d = object_at(j, "ddl_stop")) {
    DdlStopStatus stop;
    stop.position = get_or<std::string>(*d, "position", "");
    stop.statement = get_or<std::string>(*d, "statement", "");
    stop.reason = get_or<std::string>(*d, "reason", "");
    if (auto it = d->find("commands"); it != d->end() && it->is_array())
      for (const json& c : *it)
        if (c.is_string()) stop.commands.push_back(c.get<std::string>());
    stop.resolution = get<std::string>(*d, "resolution");
    stop.next_run = get<std::string>(*d, "next_run");
    s.ddl_stop = std::move(stop);
  }
  s.running = get<bool>(j, "running");
  if (const json* e = object_at(j, "last_error")) s.last_error = last_error_from_json(*e);
  return s;
}

std::string task_status_text(const TaskStatus& status, int indent) { return to_json(status).dump(indent); }

Result<TaskStatus> parse_task_status(const std::string& text) {
  auto parsed = json::parse(text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) return Status::invalid_argument("not a task status: " + text);
  return task_status_from_json(parsed);
}

TaskStatus as_not_running(TaskStatus s) {
  if (s.link) {
    LinkStatus& l = *s.link;
    l.caught_up = false;
    if (l.lag_seconds) {
      l.last_lag_seconds = l.lag_seconds;
      l.lag_seconds.reset();
    }
    l.events_per_second.reset();
    l.capture_paused.reset();
    l.spool_bytes.reset();
    l.table_copy.reset();
  }
  s.last_retry.reset();
  s.paused = false;
  s.verifying = false;
  if (s.verification) {
    s.verification->running = false;
    s.verification->progress.reset();
  }
  if (!s.ended)
    s.ended =
        s.pid ? "process " + std::to_string(*s.pid) + " ended without a clean stop (killed or crashed)" : "not running";
  return s;
}

}  // namespace omsql
