// The clearinghouse's community table, node subscribers and table documents.

#include "keyfed/storage/validate.hpp"
#include "stores.hpp"

namespace keyfed::storage::sqlite {
namespace {

std::string joinAddresses(const std::vector<std::string>& addresses) {
  std::string out;
  for (const auto& a : addresses) {
    if (!out.empty()) out += ' ';
    out += a;
  }
  return out;
}

std::vector<std::string> splitAddresses(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto space = text.find(' ');
    if (space != 0) out.emplace_back(text.substr(0, space));
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  return out;
}

Result<std::int64_t> countOf(Connection& conn, const char* sql) {
  auto stmt = conn.prepare(sql);
  if (!stmt) return errorOf(stmt);
  auto row = stmt->step();
  if (!row) return errorOf(row);
  return stmt->int64(0);
}

}  // namespace

Result<std::vector<CommunityRow>> SqliteClearinghouse::rows() {
  auto conn = pool_.acquire();
  auto stmt = conn->prepare(
      "SELECT domain, level, addresses, expires, updated, redirect_to FROM community_rows"
      " ORDER BY domain");
  if (!stmt) return errorOf(stmt);
  std::vector<CommunityRow> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (!*row) return out;
    CommunityRow r;
    r.domain = stmt->text(0);
    r.level = stmt->int64(1);
    r.addresses = splitAddresses(stmt->text(2));
    if (!stmt->isNull(3)) r.expires = base::fromUnixSeconds(stmt->int64(3));
    r.updated = base::fromUnixSeconds(stmt->int64(4));
    r.redirectTo = stmt->text(5);
    out.push_back(std::move(r));
  }
}

Result<> SqliteClearinghouse::putRow(const CommunityRow& row) {
  if (auto r = checkCommunityRow(row, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  {
    auto exists = conn->prepare("SELECT 1 FROM community_rows WHERE domain = ?1");
    if (!exists) return errorOf(exists);
    auto found = exists->bind(1, row.domain).step();
    if (!found) return errorOf(found);
    if (!*found) {
      auto held = countOf(*conn, "SELECT count(*) FROM community_rows");
      if (!held) return errorOf(held);
      if (static_cast<std::size_t>(*held) >= limits_.communityRows) {
        return base::fail(errc::kQuota, "the community table holds " + std::to_string(*held) +
                                            " rows; at most " +
                                            std::to_string(limits_.communityRows) + " are allowed");
      }
    }
  }
  auto put = conn->prepare(
      "INSERT OR REPLACE INTO community_rows (domain, level, addresses, expires, updated,"
      " redirect_to) VALUES (?1, ?2, ?3, CASE WHEN ?5 THEN ?4 END, ?6, ?7)");
  if (!put) return errorOf(put);
  // Bound without a copy (SQLITE_STATIC): the text must outlive run().
  const std::string addresses = joinAddresses(row.addresses);
  put->bind(1, row.domain)
      .bind(2, row.level)
      .bind(3, addresses)
      .bind(4, row.expires ? base::unixSeconds(*row.expires) : std::int64_t{0})
      .bind(5, std::int64_t{row.expires ? 1 : 0})
      .bind(6, base::unixSeconds(row.updated))
      .bind(7, row.redirectTo);
  if (auto r = put->run(); !r) return errorOf(r);
  return tx->commit();
}

Result<bool> SqliteClearinghouse::removeRow(std::string_view domain) {
  auto conn = pool_.acquire();
  auto del = conn->prepare("DELETE FROM community_rows WHERE domain = ?1");
  if (!del) return errorOf(del);
  if (auto r = del->bind(1, domain).run(); !r) return errorOf(r);
  return sqlite3_changes(conn->handle()) > 0;
}

Result<std::vector<std::string>> SqliteClearinghouse::subscribers() {
  auto conn = pool_.acquire();
  auto stmt = conn->prepare("SELECT jid FROM community_subscribers ORDER BY jid");
  if (!stmt) return errorOf(stmt);
  std::vector<std::string> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (!*row) return out;
    out.push_back(stmt->text(0));
  }
}

Result<> SqliteClearinghouse::addSubscriber(std::string_view jid) {
  if (auto r = checkJid(jid, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto held = countOf(*conn, "SELECT count(*) FROM community_subscribers");
  if (!held) return errorOf(held);
  if (static_cast<std::size_t>(*held) >= limits_.communityRows) {
    return base::fail(errc::kQuota, "the table node has " + std::to_string(*held) +
                                        " subscribers; at most " +
                                        std::to_string(limits_.communityRows) + " are allowed");
  }
  auto ins = conn->prepare("INSERT OR IGNORE INTO community_subscribers (jid) VALUES (?1)");
  if (!ins) return errorOf(ins);
  if (auto r = ins->bind(1, jid).run(); !r) return errorOf(r);
  return tx->commit();
}

Result<bool> SqliteClearinghouse::removeSubscriber(std::string_view jid) {
  auto conn = pool_.acquire();
  auto del = conn->prepare("DELETE FROM community_subscribers WHERE jid = ?1");
  if (!del) return errorOf(del);
  if (auto r = del->bind(1, jid).run(); !r) return errorOf(r);
  return sqlite3_changes(conn->handle()) > 0;
}

Result<std::optional<StoredDocument>> SqliteClearinghouse::document(std::string_view name) {
  auto conn = pool_.acquire();
  auto stmt =
      conn->prepare("SELECT version, document, stored FROM table_documents WHERE name = ?1");
  if (!stmt) return errorOf(stmt);
  auto row = stmt->bind(1, name).step();
  if (!row) return errorOf(row);
  if (!*row) return std::optional<StoredDocument>();
  return std::optional<StoredDocument>(
      StoredDocument{stmt->int64(0), stmt->text(1), base::fromUnixSeconds(stmt->int64(2))});
}

Result<bool> SqliteClearinghouse::storeDocument(std::string_view name,
                                                const StoredDocument& document) {
  if (auto r = checkStoredDocument(name, document, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  {
    auto current = conn->prepare("SELECT version FROM table_documents WHERE name = ?1");
    if (!current) return errorOf(current);
    auto row = current->bind(1, name).step();
    if (!row) return errorOf(row);
    if (*row && current->int64(0) >= document.version) return false;
  }
  auto put = conn->prepare(
      "INSERT OR REPLACE INTO table_documents (name, version, document, stored)"
      " VALUES (?1, ?2, ?3, ?4)");
  if (!put) return errorOf(put);
  put->bind(1, name)
      .bind(2, document.version)
      .bind(3, document.text)
      .bind(4, base::unixSeconds(document.stored));
  if (auto r = put->run(); !r) return errorOf(r);
  if (auto r = tx->commit(); !r) return errorOf(r);
  return true;
}

}  // namespace keyfed::storage::sqlite
