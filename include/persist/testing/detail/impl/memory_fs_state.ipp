// Out-of-line definitions for <persist/testing/detail/memory_fs_state.hpp>: paths,
// inodes and the pending list.
#ifndef PERSIST_TESTING_DETAIL_IMPL_MEMORY_FS_STATE_IPP
#define PERSIST_TESTING_DETAIL_IMPL_MEMORY_FS_STATE_IPP

#include <persist/testing/detail/memory_fs_state.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <unordered_set>

namespace persist::detail::memfs {

PERSIST_DECL state::state(memory_fs_options const& opts)
    : options(opts),
      owner(opts.owner.value_or(::geteuid())),
      group(opts.group.value_or(::getegid())),
      may_chown(opts.may_chown.value_or(::geteuid() == 0)) {
    live_node root;
    root.kind = file_kind::directory;
    root.mode = 0755;
    root.owner = owner;
    root.group = group;
    root.links = 2;
    root.parent = root_inode;
    root.modified_ns = tick();
    durable.nodes.emplace(root_inode, static_cast<node const&>(root));
    live.emplace(root_inode, std::move(root));
}

// --- paths ---------------------------------------------------------------------

PERSIST_DECL io_result<parsed_path> state::parse(std::filesystem::path const& p) {
    auto const& text = p.native();
    if (text.empty()) return errno_code(ENOENT);
    if (text.size() > max_path_length) return errno_code(ENAMETOOLONG);
    parsed_path parsed;
    std::size_t at = 0;
    while (at < text.size()) {
        auto const slash = std::min(text.find('/', at), text.size());
        if (slash > at) parsed.parts.emplace_back(text.substr(at, slash - at));
        at = slash + 1;
    }
    parsed.trailing_slash = text.back() == '/' && !parsed.parts.empty();
    return parsed;
}

PERSIST_DECL std::optional<inode_number> state::child(inode_number dir,
                                                      std::string const& name) const {
    auto const& d = live.at(dir);
    if (name.empty() || name == ".") return dir;
    if (name == "..") return d.parent;
    auto const found = d.entries.find(name);
    if (found == d.entries.end()) return std::nullopt;
    return found->second;
}

PERSIST_DECL io_result<parent_lookup> state::find_parent(std::filesystem::path const& p,
                                                         int& follows) {
    auto parsed = parse(p);
    if (!parsed) return parsed.error();
    return find_parent(root_inode, *parsed, follows);
}

PERSIST_DECL io_result<parent_lookup> state::find_parent(inode_number start,
                                                         parsed_path const& parsed, int& follows) {
    inode_number dir = start;
    for (std::size_t i = 0; i + 1 < parsed.parts.size(); ++i) {
        auto const& part = parsed.parts[i];
        if (part.size() > max_name_length) return errno_code(ENAMETOOLONG);
        auto next = child(dir, part);
        if (!next) return errno_code(ENOENT);
        if (live.at(*next).kind == file_kind::symlink) {
            if (++follows > max_symlink_follows) return errno_code(ELOOP);
            auto const& text = live.at(*next).target;
            auto target = parse(text);
            if (!target) return target.error();
            auto resolved = find(text.front() == '/' ? root_inode : dir, *target, true, follows);
            if (!resolved) return resolved.error();
            next = *resolved;
        }
        if (live.at(*next).kind != file_kind::directory) return errno_code(ENOTDIR);
        dir = *next;
    }
    parent_lookup found{dir, parsed.parts.empty() ? std::string() : parsed.parts.back(),
                        parsed.trailing_slash};
    if (found.name.size() > max_name_length) return errno_code(ENAMETOOLONG);
    return found;
}

PERSIST_DECL io_result<inode_number> state::find(std::filesystem::path const& p, bool follow) {
    auto parsed = parse(p);
    if (!parsed) return parsed.error();
    int follows = 0;
    return find(root_inode, *parsed, follow, follows);
}

PERSIST_DECL io_result<inode_number> state::find(inode_number start, parsed_path const& parsed,
                                                 bool follow, int& follows) {
    auto where = find_parent(start, parsed, follows);
    if (!where) return where.error();
    auto ino = child(where->dir, where->name);
    if (!ino) return errno_code(ENOENT);
    if (live.at(*ino).kind == file_kind::symlink && (follow || where->trailing_slash)) {
        if (++follows > max_symlink_follows) return errno_code(ELOOP);
        auto const& text = live.at(*ino).target;
        auto target = parse(text);
        if (!target) return target.error();
        auto resolved = find(text.front() == '/' ? root_inode : where->dir, *target, true, follows);
        if (!resolved) return resolved.error();
        ino = *resolved;
    }
    if (where->trailing_slash && live.at(*ino).kind != file_kind::directory)
        return errno_code(ENOTDIR);
    return *ino;
}

PERSIST_DECL std::string state::path_of(inode_number ino) const {
    if (ino == root_inode) return "/";
    // A directory knows its parent; a file is found by a search from "/".
    auto const& n = live.find(ino);
    if (n != live.end() && n->second.kind == file_kind::directory && n->second.links > 0) {
        auto const& parent = live.at(n->second.parent);
        for (auto const& [name, child_ino] : parent.entries) {
            if (child_ino == ino) return entry_path(n->second.parent, name);
        }
    }
    for (auto const& [dir_ino, dir] : live) {
        if (dir.kind != file_kind::directory) continue;
        for (auto const& [name, child_ino] : dir.entries) {
            if (child_ino == ino) return entry_path(dir_ino, name);
        }
    }
    return "<inode " + std::to_string(ino) + ">";
}

PERSIST_DECL std::string state::entry_path(inode_number dir, std::string const& name) const {
    auto base = path_of(dir);
    if (base.back() != '/') base += '/';
    return base + name;
}

// --- inodes and names ----------------------------------------------------------

PERSIST_DECL std::int64_t state::tick() {
    auto const now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    clock_ns = std::max<std::int64_t>(clock_ns + 1, now);
    return clock_ns;
}

PERSIST_DECL inode_number state::create_inode(file_kind kind, mode_t mode) {
    inode_number const ino = next_inode++;
    live_node n;
    n.kind = kind;
    n.mode = mode & 07777;
    n.owner = owner;
    n.group = group;
    n.modified_ns = tick();
    // The inode exists on the disk from the start, unreachable until an
    // entry operation that names it is durable.
    durable.nodes.emplace(ino, static_cast<node const&>(n));
    live.emplace(ino, std::move(n));
    return ino;
}

PERSIST_DECL void state::add_name(inode_number dir, std::string const& name, inode_number ino) {
    auto& d = live.at(dir);
    auto& n = live.at(ino);
    d.entries[name] = ino;
    d.modified_ns = tick();
    if (n.kind == file_kind::directory) {
        n.parent = dir;
        n.links = 2 + static_cast<std::uint64_t>(
                          std::count_if(n.entries.begin(), n.entries.end(), [&](auto const& e) {
                              return live.at(e.second).kind == file_kind::directory;
                          }));
        ++d.links;
    } else {
        ++n.links;
        n.linkable = false;
    }
}

PERSIST_DECL void state::remove_name(inode_number dir, std::string const& name) {
    auto& d = live.at(dir);
    auto const ino = d.entries.at(name);
    auto& n = live.at(ino);
    d.entries.erase(name);
    d.modified_ns = tick();
    if (n.kind == file_kind::directory) {
        --d.links;
        n.links = 0;
    } else {
        --n.links;
    }
}

PERSIST_DECL void state::release_if_unused(inode_number ino) {
    auto const found = live.find(ino);
    if (found != live.end() && found->second.links == 0 && found->second.open_handles == 0)
        live.erase(found);
}

PERSIST_DECL file_status state::status_of(inode_number ino) const {
    auto const& n = live.at(ino);
    file_status s;
    s.kind = n.kind;
    s.device = device_number;
    s.inode = ino;
    s.mode = n.kind == file_kind::symlink ? mode_t{0777} : n.mode;
    s.owner = n.owner;
    s.group = n.group;
    s.modified_ns = n.modified_ns;
    s.links = n.links;
    switch (n.kind) {
        case file_kind::regular: s.size = n.data.size(); break;
        case file_kind::symlink: s.size = n.target.size(); break;
        default: s.size = directory_size; break;
    }
    return s;
}

PERSIST_DECL memory_fs::handle state::open(inode_number ino, bool readable, bool writable,
                                           bool append) {
    std::uint64_t const id = next_handle++;
    files.emplace(id, open_file{ino, readable, writable, append, false, 0});
    ++live.at(ino).open_handles;
    return memory_fs::handle{id};
}

PERSIST_DECL open_file* state::file_of(memory_fs::handle h) {
    auto const found = files.find(h.id);
    return found == files.end() ? nullptr : &found->second;
}

// --- the pending list ----------------------------------------------------------

PERSIST_DECL void state::record(pending_op op) {
    op.sequence = next_sequence++;
    pending.push_back(std::move(op));
}

PERSIST_DECL void state::persist(std::function<bool(pending_op const&)> const& wanted) {
    auto const deps = dependencies(pending, options.ordered_directory_operations);
    std::vector<char> chosen(pending.size(), 0);
    std::vector<std::size_t> stack;
    for (std::size_t i = 0; i < pending.size(); ++i) {
        if (!wanted(pending[i])) continue;
        stack.push_back(i);
        while (!stack.empty()) {
            auto const j = stack.back();
            stack.pop_back();
            if (chosen[j]) continue;
            chosen[j] = 1;
            for (auto const d : deps[j])
                stack.push_back(d);
        }
    }
    if (std::find(chosen.begin(), chosen.end(), 1) == chosen.end()) return;
    // Operations left pending never depend on ones made durable here (the
    // closure above), and the rest commute with them, so applying the
    // chosen ones first keeps every later crash image consistent.
    std::vector<pending_op> kept;
    for (std::size_t i = 0; i < pending.size(); ++i) {
        if (chosen[i]) {
            apply(durable, pending[i]);
        } else {
            kept.push_back(std::move(pending[i]));
        }
    }
    pending = std::move(kept);
    collect_garbage();
}

PERSIST_DECL void state::persist_file(inode_number ino, bool with_metadata) {
    bool const with_entries = options.fsync_persists_entry;
    persist([&](pending_op const& op) {
        if (op.inode != ino) return false;
        if (op.is_data()) return true;
        if (op.is_metadata()) return with_metadata;
        return with_entries && op.kind != op_kind::remove_entry;
    });
}

PERSIST_DECL void state::persist_directory(inode_number dir) {
    persist([&](pending_op const& op) { return op.touches_directory(dir); });
}

PERSIST_DECL void state::collect_garbage() {
    std::unordered_set<inode_number> keep;
    for (auto const& [ino, n] : live)
        keep.insert(ino);
    for (auto const& op : pending) {
        keep.insert(op.inode);
        if (op.is_entry()) {
            keep.insert(op.dir);
            keep.insert(op.to_dir);
        }
    }
    std::unordered_set<inode_number> reached{root_inode};
    std::vector<inode_number> stack{root_inode};
    while (!stack.empty()) {
        auto const found = durable.nodes.find(stack.back());
        stack.pop_back();
        if (found == durable.nodes.end()) continue;
        for (auto const& [name, child_ino] : found->second.entries) {
            if (reached.insert(child_ino).second) stack.push_back(child_ino);
        }
    }
    keep.merge(reached);
    std::erase_if(durable.nodes, [&](auto const& entry) { return !keep.contains(entry.first); });
}

// --- opening with O_CREAT -------------------------------------------------------

// Where open(p, O_CREAT) without O_EXCL lands: the existing inode (through
// symlinks), or the directory and name to create, even at the far end of a
// dangling symlink, as Linux does.
struct placement {
    std::optional<inode_number> existing;
    inode_number dir = root_inode;
    std::string name;
};

// With follow_last false (O_NOFOLLOW), a symlink at the last component is
// where it lands.
inline io_result<placement> place(state& s, inode_number start, parsed_path const& parsed,
                                  int& follows, bool follow_last) {
    auto where = s.find_parent(start, parsed, follows);
    if (!where) return where.error();
    if (where->trailing_slash) return error_of(EISDIR);
    auto const existing = s.child(where->dir, where->name);
    if (!existing) return placement{std::nullopt, where->dir, where->name};
    if (s.live.at(*existing).kind != file_kind::symlink || !follow_last)
        return placement{existing, where->dir, where->name};
    if (++follows > max_symlink_follows) return error_of(ELOOP);
    auto const& text = s.live.at(*existing).target;
    auto target = state::parse(text);
    if (!target) return target.error();
    return place(s, text.front() == '/' ? root_inode : where->dir, *target, follows, true);
}

// Whether an open may go on to an inode of this kind (fs_policy 9 and 10). A
// FIFO (file_kind::other, made by make_fifo) is not modelled beyond that:
// where the real open would wait for the other end, this one fails with
// EAGAIN.
inline io_result<void> openable(file_kind kind, name_owner owner) {
    switch (kind) {
        case file_kind::regular: return {};
        case file_kind::directory: return error_of(EISDIR);
        case file_kind::symlink: return error_of(ELOOP);  // reached only unfollowed
        case file_kind::other:
            if (owner == name_owner::persist) return make_error_code(errc::not_regular_file);
            return error_of(EAGAIN);
    }
    return error_of(EINVAL);
}

// open(p, O_CREAT | flags, mode) for open_append and lock; with
// name_owner::persist, also O_NOFOLLOW and only onto a regular file.
inline io_result<memory_fs::handle> open_creating(state& s, std::filesystem::path const& p,
                                                  mode_t mode, name_owner owner, bool readable,
                                                  bool append) {
    auto parsed = state::parse(p);
    if (!parsed) return parsed.error();
    int follows = 0;
    auto where = place(s, root_inode, *parsed, follows, owner == name_owner::caller);
    if (!where) return where.error();
    inode_number ino = 0;
    if (where->existing) {
        ino = *where->existing;
        if (auto openable_kind = openable(s.live.at(ino).kind, owner); !openable_kind)
            return openable_kind.error();
    } else {
        ino = s.create_inode(file_kind::regular, mode & ~s.options.umask);
        s.add_name(where->dir, where->name, ino);
        pending_op op;
        op.kind = op_kind::add_entry;
        op.inode = ino;
        op.dir = where->dir;
        op.name = where->name;
        op.what = "create " + s.entry_path(where->dir, where->name);
        s.record(std::move(op));
    }
    return s.open(ino, readable, true, append);
}

}  // namespace persist::detail::memfs

#endif
