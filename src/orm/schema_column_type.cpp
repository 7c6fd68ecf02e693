#include "orm/schema_column_type.hpp"

namespace citadel::orm {

std::optional<ColumnType> ColumnTypeOf(const Field& field) {
  if (!field.stored()) return std::nullopt;
  const FieldDef& def = field.def();
  switch (def.type) {
    case FieldType::kChar:
      return ColumnType{ColumnKind::kVarchar, def.size};
    case FieldType::kSelection:
      return ColumnType{ColumnKind::kVarchar, std::nullopt};
    case FieldType::kText:
    case FieldType::kHtml:
      return ColumnType{ColumnKind::kText, std::nullopt};
    case FieldType::kInteger:
    case FieldType::kMany2one:
      return ColumnType{ColumnKind::kInt4, std::nullopt};
    case FieldType::kFloat:
      return ColumnType{def.digits ? ColumnKind::kNumeric : ColumnKind::kFloat8, std::nullopt};
    case FieldType::kMonetary:
      return ColumnType{ColumnKind::kNumeric, std::nullopt};
    case FieldType::kBoolean:
      return ColumnType{ColumnKind::kBool, std::nullopt};
    case FieldType::kDate:
      return ColumnType{ColumnKind::kDate, std::nullopt};
    case FieldType::kDatetime:
      return ColumnType{ColumnKind::kTimestamp, std::nullopt};
    case FieldType::kBinary:
      return ColumnType{ColumnKind::kText, std::nullopt};  // the file store reference
    case FieldType::kOne2many:
    case FieldType::kMany2many:
      return std::nullopt;
  }
  return std::nullopt;
}

std::string_view UdtNameOf(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kVarchar:
      return "varchar";
    case ColumnKind::kText:
      return "text";
    case ColumnKind::kInt4:
      return "int4";
    case ColumnKind::kNumeric:
      return "numeric";
    case ColumnKind::kFloat8:
      return "float8";
    case ColumnKind::kBool:
      return "bool";
    case ColumnKind::kDate:
      return "date";
    case ColumnKind::kTimestamp:
      return "timestamp";
  }
  return "text";
}

std::string DescribeExisting(std::string_view udt_name, std::optional<int> max_length) {
  std::string text(udt_name);
  if (max_length) text += "(" + std::to_string(*max_length) + ")";
  return text;
}

std::string Describe(const ColumnType& type) {
  return DescribeExisting(UdtNameOf(type.kind),
                          type.kind == ColumnKind::kVarchar ? type.varchar_size : std::nullopt);
}

ColumnTypeFit CompareColumnType(std::string_view existing_udt, std::optional<int> existing_length,
                                const ColumnType& wanted) {
  const bool existing_varchar = existing_udt == "varchar";
  switch (wanted.kind) {
    case ColumnKind::kVarchar: {
      if (existing_udt == "text") return ColumnTypeFit::kWiderAlready;
      if (!existing_varchar) return ColumnTypeFit::kIncompatible;
      if (existing_length == wanted.varchar_size) return ColumnTypeFit::kSame;
      if (!existing_length) return ColumnTypeFit::kWiderAlready;  // unlimited already
      if (!wanted.varchar_size || *wanted.varchar_size > *existing_length)
        return ColumnTypeFit::kSafeWidening;
      return ColumnTypeFit::kWiderAlready;
    }
    case ColumnKind::kText:
      if (existing_udt == "text") return ColumnTypeFit::kSame;
      // varchar -> text needs no rewrite and loses nothing.
      return existing_varchar ? ColumnTypeFit::kSafeWidening : ColumnTypeFit::kIncompatible;
    default:
      return existing_udt == UdtNameOf(wanted.kind) ? ColumnTypeFit::kSame
                                                    : ColumnTypeFit::kIncompatible;
  }
}

}  // namespace citadel::orm
