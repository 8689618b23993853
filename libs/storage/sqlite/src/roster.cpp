#include <algorithm>
#include <map>

#include "keyfed/storage/validate.hpp"
#include "stores.hpp"

namespace keyfed::storage::sqlite {
namespace {

// Removal records kept per user for incremental roster updates; older ones are
// dropped and the "horizon" moves up (clients that old get the full roster).
constexpr std::int64_t kKeptRemovals = 1000;

constexpr const char* kItemColumns =
    "jid, name, subscription, ask_out, pending_in, pending_in_stanza, approved, listed";

RosterItem readItem(const Stmt& s) {
  RosterItem item;
  item.jid = s.text(0);
  item.name = s.text(1);
  item.subscription = static_cast<Subscription>(std::clamp<std::int64_t>(s.int64(2), 0, 3));
  item.askOut = s.int64(3) != 0;
  item.pendingIn = s.int64(4) != 0;
  item.pendingInStanza = s.text(5);
  item.approved = s.int64(6) != 0;
  item.listed = s.int64(7) != 0;
  return item;
}

struct RosterState {
  std::int64_t id = 0;
  std::int64_t version = 0;
  std::int64_t horizon = 0;
};

Result<RosterState> rosterState(Connection& conn, std::string_view user, std::string_view host) {
  auto stmt = conn.prepare(
      "SELECT id, roster_version, roster_horizon FROM accounts WHERE host = ?1 AND user = ?2");
  if (!stmt) return errorOf(stmt);
  auto row = stmt->bind(1, host).bind(2, user).step();
  if (!row) return errorOf(row);
  if (!*row) return base::fail(errc::kNotFound, "no such account");
  return RosterState{stmt->int64(0), stmt->int64(1), stmt->int64(2)};
}

Result<std::vector<std::string>> groupsOf(Connection& conn, std::int64_t id, std::string_view jid) {
  auto stmt = conn.prepare(
      "SELECT name FROM roster_groups WHERE account_id = ?1 AND jid = ?2 ORDER BY name");
  if (!stmt) return errorOf(stmt);
  stmt->bind(1, id).bind(2, jid);
  std::vector<std::string> out;
  for (;;) {
    auto row = stmt->step();
    if (!row) return errorOf(row);
    if (!*row) return out;
    out.push_back(stmt->text(0));
  }
}

Result<> setVersion(Connection& conn, std::int64_t id, std::int64_t version) {
  auto stmt = conn.prepare("UPDATE accounts SET roster_version = ?2 WHERE id = ?1");
  if (!stmt) return errorOf(stmt);
  return stmt->bind(1, id).bind(2, version).run();
}

Result<std::int64_t> scalar(Connection& conn, std::string_view sql, std::int64_t id,
                            std::string_view text = {}) {
  auto stmt = conn.prepare(sql);
  if (!stmt) return errorOf(stmt);
  stmt->bind(1, id);
  if (!text.empty()) stmt->bind(2, text);
  auto row = stmt->step();
  if (!row) return errorOf(row);
  return *row ? stmt->int64(0) : 0;
}

// Keeps the newest kKeptRemovals removal records and moves the horizon past
// the dropped ones.
Result<> pruneRemovals(Connection& conn, std::int64_t id) {
  auto cut = scalar(conn,
                    "SELECT version FROM roster_removed WHERE account_id = ?1"
                    " ORDER BY version DESC LIMIT 1 OFFSET 1000",
                    id);
  static_assert(kKeptRemovals == 1000, "the OFFSET above");
  if (!cut) return errorOf(cut);
  if (*cut == 0) return {};
  auto del = conn.prepare("DELETE FROM roster_removed WHERE account_id = ?1 AND version <= ?2");
  if (!del) return errorOf(del);
  if (auto r = del->bind(1, id).bind(2, *cut).run(); !r) return r;
  auto upd = conn.prepare("UPDATE accounts SET roster_horizon = ?2 WHERE id = ?1");
  if (!upd) return errorOf(upd);
  return upd->bind(1, id).bind(2, *cut).run();
}

}  // namespace

Result<Roster> SqliteRoster::get(std::string_view user, std::string_view host) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  auto state = rosterState(*conn, user, host);
  if (!state) return errorOf(state);
  Roster roster;
  roster.version = static_cast<std::uint64_t>(state->version);

  auto items = conn->prepare(std::string("SELECT ") + kItemColumns +
                             " FROM roster_items WHERE account_id = ?1 ORDER BY jid");
  if (!items) return errorOf(items);
  items->bind(1, state->id);
  std::map<std::string, std::size_t, std::less<>> index;
  for (;;) {
    auto row = items->step();
    if (!row) return errorOf(row);
    if (!*row) break;
    roster.items.push_back(readItem(*items));
    index.emplace(roster.items.back().jid, roster.items.size() - 1);
  }
  auto groups =
      conn->prepare("SELECT jid, name FROM roster_groups WHERE account_id = ?1 ORDER BY jid, name");
  if (!groups) return errorOf(groups);
  groups->bind(1, state->id);
  for (;;) {
    auto row = groups->step();
    if (!row) return errorOf(row);
    if (!*row) break;
    auto it = index.find(groups->text(0));
    if (it != index.end()) roster.items[it->second].groups.push_back(groups->text(1));
  }
  return roster;
}

Result<std::optional<RosterItem>> SqliteRoster::item(std::string_view user, std::string_view host,
                                                     std::string_view jid) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkJid(jid, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  auto id = accountId(*conn, user, host);
  if (!id) return errorOf(id);
  auto stmt = conn->prepare(std::string("SELECT ") + kItemColumns +
                            " FROM roster_items WHERE account_id = ?1 AND jid = ?2");
  if (!stmt) return errorOf(stmt);
  auto row = stmt->bind(1, *id).bind(2, jid).step();
  if (!row) return errorOf(row);
  if (!*row) return std::optional<RosterItem>{};
  RosterItem item = readItem(*stmt);
  auto groups = groupsOf(*conn, *id, jid);
  if (!groups) return errorOf(groups);
  item.groups = std::move(*groups);
  return std::optional<RosterItem>(std::move(item));
}

Result<std::uint64_t> SqliteRoster::upsert(std::string_view user, std::string_view host,
                                           const RosterItem& item) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkRosterItem(item, limits_); !r) return errorOf(r);
  std::vector<std::string> groups = item.groups;
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());

  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto state = rosterState(*conn, user, host);
  if (!state) return errorOf(state);
  auto present =
      scalar(*conn, "SELECT count(*) FROM roster_items WHERE account_id = ?1 AND jid = ?2",
             state->id, item.jid);
  if (!present) return errorOf(present);
  if (*present == 0) {
    auto n = scalar(*conn, "SELECT count(*) FROM roster_items WHERE account_id = ?1", state->id);
    if (!n) return errorOf(n);
    if (static_cast<std::size_t>(*n) >= limits_.rosterItemsPerUser) {
      return base::fail(errc::kQuota, "roster is full (" +
                                          std::to_string(limits_.rosterItemsPerUser) + " items)");
    }
  }
  const std::int64_t version = state->version + 1;
  auto ins = conn->prepare(
      "INSERT INTO roster_items (account_id, jid, name, subscription, ask_out, pending_in,"
      " pending_in_stanza, approved, listed, version) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, "
      "?10)"
      " ON CONFLICT (account_id, jid) DO UPDATE SET name = excluded.name,"
      " subscription = excluded.subscription, ask_out = excluded.ask_out,"
      " pending_in = excluded.pending_in, pending_in_stanza = excluded.pending_in_stanza,"
      " approved = excluded.approved, listed = excluded.listed, version = excluded.version");
  if (!ins) return errorOf(ins);
  ins->bind(1, state->id)
      .bind(2, item.jid)
      .bind(3, item.name)
      .bind(4, static_cast<std::int64_t>(item.subscription))
      .bind(5, std::int64_t{item.askOut})
      .bind(6, std::int64_t{item.pendingIn})
      .bind(7, item.pendingInStanza)
      .bind(8, std::int64_t{item.approved})
      .bind(9, std::int64_t{item.listed})
      .bind(10, version);
  if (auto r = ins->run(); !r) return errorOf(r);

  auto clear = conn->prepare("DELETE FROM roster_groups WHERE account_id = ?1 AND jid = ?2");
  if (!clear) return errorOf(clear);
  if (auto r = clear->bind(1, state->id).bind(2, item.jid).run(); !r) return errorOf(r);
  for (const auto& g : groups) {
    auto add =
        conn->prepare("INSERT INTO roster_groups (account_id, jid, name) VALUES (?1, ?2, ?3)");
    if (!add) return errorOf(add);
    if (auto r = add->bind(1, state->id).bind(2, item.jid).bind(3, g).run(); !r) return errorOf(r);
  }
  // The item is back: it is no longer a removal for incremental updates.
  auto unremove = conn->prepare("DELETE FROM roster_removed WHERE account_id = ?1 AND jid = ?2");
  if (!unremove) return errorOf(unremove);
  if (auto r = unremove->bind(1, state->id).bind(2, item.jid).run(); !r) return errorOf(r);
  if (auto r = setVersion(*conn, state->id, version); !r) return errorOf(r);
  if (auto r = tx->commit(); !r) return errorOf(r);
  return static_cast<std::uint64_t>(version);
}

Result<std::uint64_t> SqliteRoster::remove(std::string_view user, std::string_view host,
                                           std::string_view jid) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  if (auto r = checkJid(jid, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn);
  if (!tx) return errorOf(tx);
  auto state = rosterState(*conn, user, host);
  if (!state) return errorOf(state);
  auto del = conn->prepare("DELETE FROM roster_items WHERE account_id = ?1 AND jid = ?2");
  if (!del) return errorOf(del);
  if (auto r = del->bind(1, state->id).bind(2, jid).run(); !r) return errorOf(r);
  if (conn->changes() == 0) return base::fail(errc::kNotFound, "no such roster item");
  const std::int64_t version = state->version + 1;
  auto tomb = conn->prepare(
      "INSERT INTO roster_removed (account_id, jid, version) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (account_id, jid) DO UPDATE SET version = excluded.version");
  if (!tomb) return errorOf(tomb);
  if (auto r = tomb->bind(1, state->id).bind(2, jid).bind(3, version).run(); !r) return errorOf(r);
  if (auto r = pruneRemovals(*conn, state->id); !r) return errorOf(r);
  if (auto r = setVersion(*conn, state->id, version); !r) return errorOf(r);
  if (auto r = tx->commit(); !r) return errorOf(r);
  return static_cast<std::uint64_t>(version);
}

Result<std::uint64_t> SqliteRoster::version(std::string_view user, std::string_view host) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto state = rosterState(*conn, user, host);
  if (!state) return errorOf(state);
  return static_cast<std::uint64_t>(state->version);
}

Result<std::optional<RosterDelta>> SqliteRoster::changesSince(std::string_view user,
                                                              std::string_view host,
                                                              std::uint64_t since) {
  if (auto r = checkAccountKey(user, host, limits_); !r) return errorOf(r);
  auto conn = pool_.acquire();
  auto tx = Transaction::begin(*conn, Transaction::Mode::read);
  if (!tx) return errorOf(tx);
  auto state = rosterState(*conn, user, host);
  if (!state) return errorOf(state);
  const auto current = static_cast<std::uint64_t>(state->version);
  const auto horizon = static_cast<std::uint64_t>(state->horizon);
  if (since > current || since < horizon) return std::optional<RosterDelta>{};

  RosterDelta delta;
  delta.version = current;
  const auto from = static_cast<std::int64_t>(since);
  auto items = conn->prepare(std::string("SELECT ") + kItemColumns +
                             " FROM roster_items WHERE account_id = ?1 AND version > ?2"
                             " ORDER BY version");
  if (!items) return errorOf(items);
  items->bind(1, state->id).bind(2, from);
  for (;;) {
    auto row = items->step();
    if (!row) return errorOf(row);
    if (!*row) break;
    delta.changed.push_back(readItem(*items));
  }
  for (auto& item : delta.changed) {
    auto groups = groupsOf(*conn, state->id, item.jid);
    if (!groups) return errorOf(groups);
    item.groups = std::move(*groups);
  }
  auto removed = conn->prepare(
      "SELECT jid FROM roster_removed WHERE account_id = ?1 AND version > ?2 ORDER BY version");
  if (!removed) return errorOf(removed);
  removed->bind(1, state->id).bind(2, from);
  for (;;) {
    auto row = removed->step();
    if (!row) return errorOf(row);
    if (!*row) break;
    delta.removed.push_back(removed->text(0));
  }
  return std::optional<RosterDelta>(std::move(delta));
}

}  // namespace keyfed::storage::sqlite
