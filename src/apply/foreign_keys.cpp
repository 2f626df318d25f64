#include "src/apply/foreign_keys.hpp"

#include <algorithm>
#include <map>

#include "src/common/strings.hpp"

namespace omsql::apply {

namespace {

std::string fk_text(const TableJob& child, const ForeignKeyDef& fk) {
  return "foreign key `" + fk.name + "` " + child.source.str() + " (" + join(fk.columns, ", ") + ") -> " +
         fk.referenced.str() + " (" + join(fk.referenced_columns, ", ") + ") ON DELETE " + fk.on_delete +
         " ON UPDATE " + fk.on_update;
}

}  // namespace

FkAction fk_action(const std::string& rule) {
  if (rule == "CASCADE") return FkAction::kCascade;
  if (rule == "SET NULL") return FkAction::kSetNull;
  return FkAction::kNone;
}

FkGraph FkGraph::build(const Plan& plan) {
  FkGraph graph;
  graph.referencing_.resize(plan.tables.size());
  std::map<QualifiedName, size_t> index;
  for (size_t i = 0; i < plan.tables.size(); ++i) index[plan.tables[i].source] = i;
  for (size_t child = 0; child < plan.tables.size(); ++child) {
    const TableJob& job = plan.tables[child];
    for (const auto& fk : job.source_def.foreign_keys) {
      const bool acts = fk_action(fk.on_delete) != FkAction::kNone || fk_action(fk.on_update) != FkAction::kNone;
      auto parent = index.find(fk.referenced);
      if (parent == index.end()) {
        // The parent's changes are not captured: the actions they take on the source never reach the child.
        if (acts)
          graph.notes_.push_back({true, fk_text(job, fk) + ": " + fk.referenced.str() +
                                            " is not in the task, so the rows of " + job.source.str() +
                                            " that its deletes and updates change on the source are not changed "
                                            "on the target (they can keep rows or old values)"});
        else
          graph.notes_.push_back({false, fk_text(job, fk) + ": " + fk.referenced.str() +
                                             " is not in the task; the FK changes no rows, nothing to replay"});
        continue;
      }
      const TableJob& parent_job = plan.tables[parent->second];
      FkEdge edge;
      edge.name = fk.name;
      edge.child = child;
      edge.parent = parent->second;
      edge.on_delete = fk_action(fk.on_delete);
      edge.on_update = fk_action(fk.on_update);
      edge.on_delete_rule = fk.on_delete;
      edge.on_update_rule = fk.on_update;
      std::string excluded;
      for (const auto& column : fk.columns) {
        const ColumnMapping* mapping = job.find_column(column);
        if (!mapping || mapping->generated) excluded = job.source.str() + "." + column;
        else edge.child_columns.push_back(mapping->target);
      }
      for (const auto& column : fk.referenced_columns) {
        const ColumnMapping* mapping = parent_job.find_column(column);
        edge.parent_columns.push_back(mapping && !mapping->generated ? mapping->target : std::string());
        if (!mapping || mapping->generated) edge.parent_columns_on_target = false;
        edge.parent_ordinals.push_back(parent_job.source_def.column_index(column));
        if (edge.parent_ordinals.back() >= parent_job.source_def.columns.size())
          excluded = fk.referenced.str() + "." + column + " (unknown to the catalog)";
      }
      if (!excluded.empty()) {
        if (acts)
          graph.notes_.push_back({true, fk_text(job, fk) + ": column " + excluded +
                                            " is not copied, so replay cannot apply the FK's actions: rows of " +
                                            job.source.str() + " that the source changes through it can differ"});
        else
          graph.notes_.push_back({false, fk_text(job, fk) + ": column " + excluded + " is not copied; the FK changes no rows"});
        continue;
      }
      if (!acts) {
        graph.notes_.push_back({false, fk_text(job, fk) + ": changes no rows (nothing to replay)"});
      } else {
        std::string message = fk_text(job, fk) + ": honoured by replay (child rows derived on the target)";
        if (!edge.parent_columns_on_target)
          message += "; a referenced column is not copied, so cascades through rows of " + fk.referenced.str() +
                     " that a cascade changed stop there";
        graph.notes_.push_back({false, message});
        if (job.filter && edge.on_update != FkAction::kNone)
          graph.notes_.push_back({true, fk_text(job, fk) + ": " + job.source.str() +
                                            " has a FILTER: a cascaded update can move a row into the filtered set "
                                            "on the source, which the target does not receive"});
        graph.has_actions_ = true;
      }
      graph.referencing_[edge.parent].push_back(graph.edges_.size());
      graph.edges_.push_back(std::move(edge));
    }
  }
  return graph;
}

std::vector<std::vector<size_t>> FkGraph::snapshot_groups() const {
  // Union-find over the tables the edges touch.
  std::vector<size_t> leader(referencing_.size());
  for (size_t i = 0; i < leader.size(); ++i) leader[i] = i;
  auto find = [&](size_t i) {
    while (leader[i] != i) i = leader[i] = leader[leader[i]];
    return i;
  };
  std::vector<bool> member(referencing_.size(), false);
  for (const auto& edge : edges_) {
    if (edge.on_delete == FkAction::kNone && edge.on_update == FkAction::kNone) continue;
    member[edge.child] = member[edge.parent] = true;
    leader[find(edge.child)] = find(edge.parent);
  }
  std::map<size_t, std::vector<size_t>> groups;
  for (size_t i = 0; i < member.size(); ++i)
    if (member[i]) groups[find(i)].push_back(i);
  std::vector<std::vector<size_t>> out;
  for (auto& [root, tables] : groups) out.push_back(std::move(tables));
  std::sort(out.begin(), out.end());
  return out;
}

const std::vector<size_t>& FkGraph::referencing(size_t parent) const {
  static const std::vector<size_t> kNone;
  return parent < referencing_.size() ? referencing_[parent] : kNone;
}

bool FkGraph::edge_triggers(const FkEdge& edge, const RowChange& change) {
  if (!change.foreign_key_checks || change.kind == RowChange::kInsert) return false;
  const bool is_delete = change.kind == RowChange::kDelete;
  if (edge.action(is_delete) == FkAction::kNone) return false;
  bool changed = false;
  for (size_t ordinal : edge.parent_ordinals) {
    if (ordinal >= change.before.size() || change.before[ordinal].is_null()) return false;
    if (!is_delete && ordinal < change.after.size() && !(change.before[ordinal] == change.after[ordinal]))
      changed = true;
  }
  return is_delete || changed;
}

bool FkGraph::triggers(size_t table, const RowChange& change) const {
  for (size_t e : referencing(table))
    if (edge_triggers(edges_[e], change)) return true;
  return false;
}

}  // namespace omsql::apply
