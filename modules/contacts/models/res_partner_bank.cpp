// res.partner.bank, as Odoo 18's res_bank.py (ResPartnerBank): a partner's
// bank accounts. sanitized_acc_number (stored) is the number without
// separators, upper-cased, and unique per partner. company_id follows the
// holder's company, as Odoo's stored related field. Banks (res.bank) are not
// modelled yet: bank_name is plain text here.
#include <cctype>
#include <string>

#include "modules/base/models/field_builder.hpp"
#include "modules/contacts/contacts_module.hpp"
#include "orm/compute.hpp"

namespace citadel::modules::contacts {
namespace {

using orm::Value;

void ComputeSanitized(orm::ComputeBatch& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const Value& number = batch.Get(i, "acc_number");
    const std::string sanitized =
        SanitizeAccountNumber(number.is_string() ? number.get<std::string>() : "");
    batch.Set(i, "sanitized_acc_number", sanitized.empty() ? Value(false) : Value(sanitized));
  }
}

void ComputeHolderName(orm::ComputeBatch& batch) {
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch.Set(i, "acc_holder_name", batch.Get(i, "partner_id.name"));
  }
}

}  // namespace

std::string SanitizeAccountNumber(const std::string& acc_number) {
  // Python's \W on text: anything but letters, digits and "_"; bytes of
  // UTF-8 sequences are kept (non-ASCII letters are word characters).
  std::string out;
  for (char c : acc_number) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80 || std::isalnum(byte) || c == '_') {
      out += static_cast<char>(byte < 0x80 ? std::toupper(byte) : byte);
    }
  }
  return out;
}

orm::ModelDef ResPartnerBankDef() {
  using namespace fields;
  orm::ModelDef def = Model("res.partner.bank", "Bank Accounts", "sequence, id");
  def.rec_name = "acc_number";
  def.fields = {
      Boolean("active").Default(true),
      Char("acc_number").String("Account Number").Required(),
      Char("sanitized_acc_number")
          .String("Sanitized Account Number")
          .Readonly()
          .Compute("_compute_sanitized_acc_number", {"acc_number"}, true),
      Char("acc_holder_name")
          .String("Account Holder Name")
          .Help("Account holder name, in case it is different than the name of the Account "
                "Holder")
          .Compute("_compute_account_holder_name", {"partner_id.name"}, true)
          .Writable(),
      Many2one("partner_id", "res.partner")
          .String("Account Holder")
          .Required()
          .Index()
          .Ondelete(orm::OnDelete::kCascade),
      Boolean("allow_out_payment")
          .String("Send Money")
          .Default(false)
          .NoCopy()
          .Help("This account can be used for outgoing payments"),
      Char("bank_name"),
      Integer("sequence").Default(10),
      Many2one("currency_id", "res.currency").String("Currency"),
      Many2one("company_id", "res.company").String("Company").Related("partner_id.company_id"),
      Char("country_code").String("Country Code").Related("partner_id.country_code"),
  };
  // Odoo stores company_id (a stored related), which the multi-company rule
  // filters on.
  for (auto& field : def.fields) {
    if (field.name == "company_id") field.store = true;
  }
  def.sql_constraints = {
      {"unique_number", "unique(sanitized_acc_number, partner_id)",
       "The combination Account Number/Partner must be unique."},
  };
  def.computes["_compute_sanitized_acc_number"] = ComputeSanitized;
  def.computes["_compute_account_holder_name"] = ComputeHolderName;
  return def;
}

}  // namespace citadel::modules::contacts
