// PEP nodes and items (schema version 7) and explicit subscriptions (version
// 11). Items carry an increasing `seq`, so "newest first" and "remove the
// oldest beyond N" are index scans.
#include <string>

#include "keyfed/storage/validate.hpp"
#include "stores.hpp"

namespace keyfed::storage::sqlite {
namespace {

Result<> checkPepText(std::string_view what, std::string_view value, std::size_t limit) {
  if (value.size() > limit) {
    return base::fail(errc::kInvalid,
                      std::string(what) + " is longer than " + std::to_string(limit) + " bytes");
  }
  return {};
}

Result<> checkNodeName(std::string_view node, const Limits& limits) {
  if (node.empty()) return base::fail(errc::kInvalid, "empty PEP node name");
  return checkPepText("a PEP node name", node, limits.pepNodeBytes);
}

// The account id, when the account exists and its node `node` exists too.
Result<std::int64_t> nodeOwner(Connection& conn, std::string_view user, std::string_view host,
                               std::string_view node) {
  auto id = accountId(conn, user, host);
  if (!id) return id;
  auto stmt = conn.prepare("SELECT 1 FROM pep_nodes WHERE account_id = ?1 AND node = ?2");
  if (!stmt) return errorOf(stmt);
  auto row = stmt->bind(1, *id).bind(2, node).step();
  if (!row) return errorOf(row);
  if (!*row) return base::fail(errc::kNotFound, "no such PEP node");
  return id;
}

Result<std::int64_t> countOf(Stmt& stmt) {
  auto row = stmt.step();
  if (!row) return errorOf(row);
  return stmt.int64(0);
}

// The rows (node, jid) of `sql` for the account (?1), `key` bound to ?2.
Result<std::vector<PepSubscription>> subscriptionRows(Pool& pool, std::string_view user,
                                                      std::string_view host, const char* sql,
                                                      std::string_view key) {
  auto conn = pool.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  auto stmt = conn->prepare(sql);
  if (!stmt) return errorOf(stmt);
  stmt->bind(1, *id).bind(2, key);
  std::vector<PepSubscription> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (!*row) return out;
    out.push_back(PepSubscription{stmt->text(0), stmt->text(1)});
  }
}

Result<> trim(Connection& conn, std::int64_t account, std::string_view node, std::size_t keep) {
  auto del = conn.prepare(
      "DELETE FROM pep_items WHERE account_id = ?1 AND node = ?2 AND seq NOT IN"
      " (SELECT seq FROM pep_items WHERE account_id = ?1 AND node = ?2"
      " ORDER BY seq DESC LIMIT ?3)");
  if (!del) return errorOf(del);
  return del->bind(1, account).bind(2, node).bind(3, static_cast<std::int64_t>(keep)).run();
}

}  // namespace

Result<std::vector<PepNode>> SqlitePep::nodes(std::string_view user, std::string_view host) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  auto stmt =
      conn->prepare("SELECT node, config FROM pep_nodes WHERE account_id = ?1 ORDER BY node");
  if (!stmt) return errorOf(stmt);
  stmt->bind(1, *id);
  std::vector<PepNode> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (!*row) return out;
    out.push_back(PepNode{stmt->text(0), stmt->text(1)});
  }
}

Result<std::optional<PepNode>> SqlitePep::node(std::string_view user, std::string_view host,
                                               std::string_view node) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkNodeName(node, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto stmt = conn->prepare(
      "SELECT n.config FROM accounts a LEFT JOIN pep_nodes n"
      " ON n.account_id = a.id AND n.node = ?3 WHERE a.host = ?1 AND a.user = ?2");
  if (!stmt) return errorOf(stmt);
  auto row = stmt->bind(1, host).bind(2, user).bind(3, node).step();
  if (!row) return errorOf(row);
  if (!*row) return base::fail(errc::kNotFound, "no such account");
  if (stmt->isNull(0)) return std::optional<PepNode>{};
  return std::optional<PepNode>(PepNode{std::string(node), stmt->text(0)});
}

Result<> SqlitePep::putNode(std::string_view user, std::string_view host, const PepNode& node,
                            std::size_t maxNodes) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  if (auto r = checkNodeName(node.node, limits_); !r) return r;
  if (auto r = checkPepText("a PEP node configuration", node.config, limits_.pepNodeBytes); !r)
    return r;
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  auto upd = conn->prepare("UPDATE pep_nodes SET config = ?3 WHERE account_id = ?1 AND node = ?2");
  if (!upd) return errorOf(upd);
  if (auto r = upd->bind(1, *id).bind(2, node.node).bind(3, node.config).run(); !r) return r;
  if (conn->changes() == 0) {
    auto count = conn->prepare("SELECT count(*) FROM pep_nodes WHERE account_id = ?1");
    if (!count) return errorOf(count);
    auto row = count->bind(1, *id).step();
    if (!row) return errorOf(row);
    if (static_cast<std::size_t>(count->int64(0)) >= maxNodes) {
      return base::fail(errc::kQuota,
                        "an account may have at most " + std::to_string(maxNodes) + " PEP nodes");
    }
    auto ins =
        conn->prepare("INSERT INTO pep_nodes (account_id, node, config) VALUES (?1, ?2, ?3)");
    if (!ins) return errorOf(ins);
    if (auto r = ins->bind(1, *id).bind(2, node.node).bind(3, node.config).run(); !r) return r;
  }
  return tx->commit();
}

Result<bool> SqlitePep::removeNode(std::string_view user, std::string_view host,
                                   std::string_view node) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkNodeName(node, limits_); !r) return errorOf(r);
  return deleteOwnedRows(pool_, [&](Connection& conn) { return accountId(conn, user, host); },
                         "DELETE FROM pep_nodes WHERE account_id = ?1 AND node = ?2", {node});
}

Result<> SqlitePep::putItem(std::string_view user, std::string_view host, std::string_view node,
                            const PepItem& item, std::size_t keep) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  if (auto r = checkNodeName(node, limits_); !r) return r;
  if (item.id.empty()) return base::fail(errc::kInvalid, "empty PEP item id");
  if (auto r = checkPepText("a PEP item id", item.id, limits_.pepNodeBytes); !r) return r;
  if (auto r = checkPepText("a PEP publisher", item.publisher, limits_.jidBytes); !r) return r;
  if (auto r = checkPepText("a PEP item", item.payload, limits_.pepPayloadBytes); !r) return r;
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = nodeOwner(*conn, user, host, node);
  if (!id) return errorOf(id);
  // A new seq for a republished id: it becomes the newest item.
  auto del =
      conn->prepare("DELETE FROM pep_items WHERE account_id = ?1 AND node = ?2 AND item_id = ?3");
  if (!del) return errorOf(del);
  if (auto r = del->bind(1, *id).bind(2, node).bind(3, item.id).run(); !r) return r;
  auto ins = conn->prepare(
      "INSERT INTO pep_items (account_id, node, item_id, publisher, payload)"
      " VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!ins) return errorOf(ins);
  if (auto r = ins->bind(1, *id)
                   .bind(2, node)
                   .bind(3, item.id)
                   .bind(4, item.publisher)
                   .bind(5, item.payload)
                   .run();
      !r) {
    return r;
  }
  if (auto r = trim(*conn, *id, node, keep < 1 ? 1 : keep); !r) return r;
  return tx->commit();
}

Result<> SqlitePep::trimItems(std::string_view user, std::string_view host, std::string_view node,
                              std::size_t keep) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  if (auto r = checkNodeName(node, limits_); !r) return r;
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = nodeOwner(*conn, user, host, node);
  if (!id) return errorOf(id);
  if (auto r = trim(*conn, *id, node, keep); !r) return r;
  return tx->commit();
}

Result<std::vector<PepItem>> SqlitePep::items(std::string_view user, std::string_view host,
                                              std::string_view node, std::size_t max) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkNodeName(node, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  auto id = nodeOwner(*conn, user, host, node);
  if (!id) return errorOf(id);
  auto stmt = conn->prepare(
      "SELECT item_id, payload, publisher FROM pep_items WHERE account_id = ?1 AND node = ?2"
      " ORDER BY seq DESC LIMIT ?3");
  if (!stmt) return errorOf(stmt);
  stmt->bind(1, *id).bind(2, node).bind(3, static_cast<std::int64_t>(max));
  std::vector<PepItem> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (!*row) return out;
    out.push_back(PepItem{stmt->text(0), stmt->text(1), stmt->text(2)});
  }
}

Result<std::optional<PepItem>> SqlitePep::item(std::string_view user, std::string_view host,
                                               std::string_view node, std::string_view itemId) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkNodeName(node, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  auto id = nodeOwner(*conn, user, host, node);
  if (!id) return errorOf(id);
  auto stmt = conn->prepare(
      "SELECT payload, publisher FROM pep_items WHERE account_id = ?1 AND node = ?2"
      " AND item_id = ?3");
  if (!stmt) return errorOf(stmt);
  auto row = stmt->bind(1, *id).bind(2, node).bind(3, itemId).step();
  if (!row) return errorOf(row);
  if (!*row) return std::optional<PepItem>{};
  return std::optional<PepItem>(PepItem{std::string(itemId), stmt->text(0), stmt->text(1)});
}

Result<bool> SqlitePep::removeItem(std::string_view user, std::string_view host,
                                   std::string_view node, std::string_view itemId) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkNodeName(node, limits_); !r) return errorOf(r);
  return deleteOwnedRows(
      pool_, [&](Connection& conn) { return nodeOwner(conn, user, host, node); },
      "DELETE FROM pep_items WHERE account_id = ?1 AND node = ?2 AND item_id = ?3", {node, itemId});
}

Result<> SqlitePep::subscribe(std::string_view user, std::string_view host, std::string_view node,
                              std::string_view jid, std::size_t maxPerNode,
                              std::size_t maxPerAccount) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return r;
  if (auto r = checkNodeName(node, limits_); !r) return r;
  if (auto r = checkJid(jid, limits_); !r) return r;
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto id = nodeOwner(*conn, user, host, node);
  if (!id) return errorOf(id);
  auto existing = conn->prepare(
      "SELECT 1 FROM pep_subscriptions WHERE account_id = ?1 AND node = ?2 AND jid = ?3");
  if (!existing) return errorOf(existing);
  auto found = existing->bind(1, *id).bind(2, node).bind(3, jid).step();
  if (!found) return errorOf(found);
  if (*found) return {};
  auto perNode =
      conn->prepare("SELECT count(*) FROM pep_subscriptions WHERE account_id = ?1 AND node = ?2");
  if (!perNode) return errorOf(perNode);
  auto onNode = countOf(perNode->bind(1, *id).bind(2, node));
  if (!onNode) return errorOf(onNode);
  if (static_cast<std::size_t>(*onNode) >= maxPerNode) {
    return base::fail(errc::kQuota, "a PEP node may have at most " + std::to_string(maxPerNode) +
                                        " subscriptions");
  }
  auto perAccount = conn->prepare("SELECT count(*) FROM pep_subscriptions WHERE account_id = ?1");
  if (!perAccount) return errorOf(perAccount);
  auto onAccount = countOf(perAccount->bind(1, *id));
  if (!onAccount) return errorOf(onAccount);
  if (static_cast<std::size_t>(*onAccount) >= maxPerAccount) {
    return base::fail(errc::kQuota, "an account's PEP nodes may have at most " +
                                        std::to_string(maxPerAccount) + " subscriptions");
  }
  auto ins = conn->prepare(
      "INSERT INTO pep_subscriptions (account_id, node, jid, bare) VALUES (?1, ?2, ?3, ?4)");
  if (!ins) return errorOf(ins);
  const std::string_view bare = jid.substr(0, jid.find('/'));
  if (auto r = ins->bind(1, *id).bind(2, node).bind(3, jid).bind(4, bare).run(); !r) return r;
  return tx->commit();
}

Result<bool> SqlitePep::unsubscribe(std::string_view user, std::string_view host,
                                    std::string_view node, std::string_view jid) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkNodeName(node, limits_); !r) return errorOf(r);
  if (auto r = checkJid(jid, limits_); !r) return errorOf(r);
  return deleteOwnedRows(
      pool_, [&](Connection& conn) { return accountId(conn, user, host); },
      "DELETE FROM pep_subscriptions WHERE account_id = ?1 AND node = ?2 AND jid = ?3",
      {node, jid});
}

Result<std::vector<PepSubscription>> SqlitePep::subscriptions(std::string_view user,
                                                              std::string_view host,
                                                              std::string_view node) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkNodeName(node, limits_); !r) return errorOf(r);
  return subscriptionRows(pool_, user, host,
                          "SELECT node, jid FROM pep_subscriptions WHERE account_id = ?1"
                          " AND node = ?2 ORDER BY jid",
                          node);
}

Result<std::vector<PepSubscription>> SqlitePep::subscriptionsOf(std::string_view user,
                                                                std::string_view host,
                                                                std::string_view bare) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkJid(bare, limits_); !r) return errorOf(r);
  return subscriptionRows(pool_, user, host,
                          "SELECT node, jid FROM pep_subscriptions WHERE account_id = ?1"
                          " AND bare = ?2 ORDER BY node, jid",
                          bare);
}

}  // namespace keyfed::storage::sqlite
