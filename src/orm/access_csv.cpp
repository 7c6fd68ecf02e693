#include "orm/access_csv.hpp"

#include <map>

namespace citadel::orm {

using core::ErrorCode;
using core::Fail;

namespace {

constexpr std::size_t kMaxCsvBytes = 1 << 20;

std::string Qualify(const std::string& ref, const std::string& module) {
  return ref.find('.') == std::string::npos ? module + "." + ref : ref;
}

core::Result<bool> Flag(const std::string& text, const std::string& where) {
  if (text == "1") return true;
  if (text == "0" || text.empty()) return false;
  return Fail(ErrorCode::kInvalidArgument, where + ": permissions are 0 or 1, not '" + text + "'");
}

}  // namespace

core::Result<std::vector<std::vector<std::string>>> ParseCsv(const std::string& text) {
  if (text.size() > kMaxCsvBytes) return Fail(ErrorCode::kInvalidArgument, "CSV file over 1 MiB");
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, field_started = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(std::move(field));
      field.clear();
      field_started = false;
      if (!(row.size() == 1 && row[0].empty())) rows.push_back(std::move(row));
      row.clear();
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (quoted) return Fail(ErrorCode::kInvalidArgument, "CSV: unterminated quoted field");
  if (field_started || !row.empty()) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

core::Result<std::vector<AccessRightLine>> ParseAccessCsv(const std::string& text, const std::string& module,
                                                           const std::string& source) {
  auto rows = ParseCsv(text);
  if (!rows) return Fail(ErrorCode::kInvalidArgument, source + ": " + rows.error().message);
  if (rows->empty()) return Fail(ErrorCode::kInvalidArgument, source + ": no header");
  std::vector<std::string> header = (*rows)[0];
  for (auto& h : header) {
    if (h == "model_id/id") h = "model_id:id";
    if (h == "group_id/id") h = "group_id:id";
  }
  const std::vector<std::string> expected = {"id", "name", "model_id:id", "group_id:id",
                                             "perm_read", "perm_write", "perm_create", "perm_unlink"};
  if (header != expected) {
    return Fail(ErrorCode::kInvalidArgument,
                source + ": the header must be id,name,model_id:id,group_id:id,perm_read,perm_write,perm_create,perm_unlink");
  }
  std::vector<AccessRightLine> lines;
  std::map<std::string, std::size_t> seen;
  for (std::size_t r = 1; r < rows->size(); ++r) {
    const auto& f = (*rows)[r];
    std::string where = source + " line " + std::to_string(r + 1);
    if (f.size() != expected.size()) {
      return Fail(ErrorCode::kInvalidArgument, where + ": expected 8 fields, found " + std::to_string(f.size()));
    }
    if (f[0].empty() || f[2].empty()) return Fail(ErrorCode::kInvalidArgument, where + ": id and model_id are required");
    AccessRightLine line;
    line.xml_id = Qualify(f[0], module);
    line.name = f[1];
    line.model_ref = Qualify(f[2], module);
    line.group = f[3].empty() ? "" : Qualify(f[3], module);
    auto read = Flag(f[4], where), write = Flag(f[5], where), create = Flag(f[6], where), unlink = Flag(f[7], where);
    for (const auto* flag : {&read, &write, &create, &unlink}) {
      if (!*flag) return core::Unexpected(flag->error());
    }
    line.read = *read;
    line.write = *write;
    line.create = *create;
    line.unlink = *unlink;
    if (!seen.emplace(line.xml_id, r).second) {
      return Fail(ErrorCode::kAlreadyExists, where + ": id " + line.xml_id + " appears twice");
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

core::Result<void> ResolveAccessModels(std::vector<AccessRightLine>& lines, const Registry& registry,
                                       const std::string& source) {
  std::map<std::string, std::string> by_ref;  // "model_res_partner" -> "res.partner"
  for (const auto& m : registry.models()) by_ref["model_" + m->table()] = m->name();
  for (auto& line : lines) {
    std::string local = line.model_ref.substr(line.model_ref.find('.') + 1);
    auto it = by_ref.find(local);
    if (it == by_ref.end()) {
      return Fail(ErrorCode::kNotFound, source + ": " + line.xml_id + " names unknown model " + line.model_ref);
    }
    line.model = it->second;
  }
  return {};
}

}  // namespace citadel::orm
