#include "src/task/table_copies.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "src/task/position_json.hpp"
#include "src/task/task_state.hpp"

namespace omsql {

namespace {
using nlohmann::json;
constexpr const char* kFileName = "/table-copies.json";

SourcePosition position_of(const json& j) { return position_from_json_or_throw(j, "position"); }
QualifiedName name_of(const std::string& text) {
  auto dot = text.find('.');
  return dot == std::string::npos ? QualifiedName{"", text} : QualifiedName{text.substr(0, dot), text.substr(dot + 1)};
}
}  // namespace

bool copy_again_at(const TableCopyFacts& facts, const SourcePosition& ddl) {
  return facts.read_by && ddl <= *facts.read_by;
}

std::optional<std::string> unresolved_copy(const QualifiedName& table, const TableCopyFacts& facts,
                                           const SourcePosition& checkpoint) {
  if (!facts.incomplete || !facts.read_by || checkpoint < *facts.read_by) return std::nullopt;
  return "the copy of " + table.str() + " did not finish (" + *facts.incomplete + ") and replay reached " +
         facts.read_by->str() + " without a replicated DDL of the table that redoes it there; its target table " +
         "may miss rows, so the link stops here. Fix the cause, then copy the task again (omsrun FILE --recopy)";
}

TableCopyFacts newer_facts(const TableCopyFacts& full_copy, const std::optional<TableCopyFacts>& in_link) {
  return in_link ? *in_link : full_copy;
}

Result<TableCopyRecord> read_table_copies(const std::string& task_dir) {
  const std::string path = task_dir + kFileName;
  std::ifstream in(path);
  if (!in) return TableCopyRecord{};
  std::stringstream text;
  text << in.rdbuf();
  try {
    json j = json::parse(text.str());
    TableCopyRecord record;
    if (j.contains("copying") && !j["copying"].is_null()) {
      const json& c = j["copying"];
      record.copying = TableCopyRecord::Copying{name_of(c.at("table").get<std::string>()), position_of(c.at("at")),
                                                c.value("reason", ""), c.value("joined", false)};
    }
    if (j.contains("tables"))
      for (const auto& [name, t] : j["tables"].items()) {
        TableCopyFacts facts;
        if (t.contains("read_by")) facts.read_by = position_of(t["read_by"]);
        if (t.contains("incomplete")) facts.incomplete = t["incomplete"].get<std::string>();
        if (t.contains("replay_after")) facts.replay_after = position_of(t["replay_after"]);
        record.tables[name] = facts;
      }
    return record;
  } catch (const json::exception& e) {
    return Status::corruption(path + ": " + e.what());
  } catch (const std::runtime_error& e) {
    return Status::corruption(path + ": " + e.what());
  }
}

Status write_table_copies(const std::string& task_dir, const TableCopyRecord& record) {
  json j = json::object();
  if (record.copying) {
    j["copying"] = json{{"table", record.copying->table.str()},
                        {"at", position_json(record.copying->at)},
                        {"reason", record.copying->reason}};
    if (record.copying->joined) j["copying"]["joined"] = true;
  } else {
    j["copying"] = nullptr;
  }
  json tables = json::object();
  for (const auto& [name, facts] : record.tables) {
    json t = json::object();
    if (facts.read_by) t["read_by"] = position_json(*facts.read_by);
    if (facts.incomplete) t["incomplete"] = *facts.incomplete;
    if (facts.replay_after) t["replay_after"] = position_json(*facts.replay_after);
    tables[name] = t;
  }
  j["tables"] = tables;
  return write_file_atomically(task_dir + kFileName, j.dump(2) + "\n");
}

std::optional<std::string> refuse_recopy(const Plan& plan, const TableJob& job, bool created_by_task) {
  if (plan.options.on_exists == OnExists::kAppend)
    return "the task writes into target tables that held rows of their own (on_exists = 'append'), which omsql "
           "never empties";
  if (!created_by_task)
    return "its target table " + job.target.str() + " was not created by this task, and omsql empties only "
           "the tables it created";
  return std::nullopt;
}

}  // namespace omsql
