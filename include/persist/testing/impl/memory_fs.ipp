// Out-of-line definitions for <persist/testing/memory_fs.hpp>.
#ifndef PERSIST_TESTING_IMPL_MEMORY_FS_IPP
#define PERSIST_TESTING_IMPL_MEMORY_FS_IPP

#include <persist/testing/memory_fs.hpp>

#include <persist/testing/detail/impl/memory_fs_crash.ipp>
#include <persist/testing/detail/impl/memory_fs_state.ipp>
#include <persist/testing/detail/memory_fs_state.hpp>

#include <cerrno>

namespace persist {

namespace detail::memfs {

inline bool names_itself(std::string const& name) {
    return name.empty() || name == "." || name == "..";
}

// A new entry at p for symlink(2) (kind symlink, with its target) or
// mkfifo(2) (kind other): fails with EEXIST if anything is at p.
inline io_result<void> add_special_file(state& s, std::filesystem::path const& p, file_kind kind,
                                        mode_t mode, std::string const& target) {
    int follows = 0;
    auto where = s.find_parent(p, follows);
    if (!where) return where.error();
    if (names_itself(where->name) || s.child(where->dir, where->name)) return error_of(EEXIST);
    if (where->trailing_slash) return error_of(ENOENT);
    auto const ino = s.create_inode(kind, mode);
    s.live.at(ino).target = target;
    s.durable.nodes.at(ino).target = target;
    s.add_name(where->dir, where->name, ino);
    pending_op op;
    op.kind = op_kind::add_entry;
    op.inode = ino;
    op.dir = where->dir;
    op.name = where->name;
    op.what = (kind == file_kind::symlink ? "symlink " : "mkfifo ") +
              s.entry_path(where->dir, where->name) + (target.empty() ? "" : " -> " + target);
    s.record(std::move(op));
    return {};
}

}  // namespace detail::memfs

using detail::memfs::error_of;
using detail::memfs::inode_number;
using detail::memfs::op_kind;
using detail::memfs::pending_op;

PERSIST_DECL memory_fs::memory_fs() : memory_fs(memory_fs_options{}) {}

PERSIST_DECL memory_fs::memory_fs(memory_fs_options options)
    : state_(std::make_shared<detail::memfs::state>(options)) {}

PERSIST_DECL void memory_fs::notify(crash_point const& point) const {
    std::function<void(crash_point const&)> observer;
    {
        std::lock_guard const lock(state_->mutex);
        if (!state_->observer) return;
        observer = state_->observer;
    }
    observer(point);
}

PERSIST_DECL io_result<memory_fs::handle> memory_fs::open_read(std::filesystem::path const& p,
                                                               name_owner owner) {
    std::lock_guard const lock(state_->mutex);
    auto ino = state_->find(p, owner == name_owner::caller);
    if (!ino) return ino.error();
    auto const kind = state_->live.at(*ino).kind;
    if (kind != file_kind::directory || owner == name_owner::persist) {
        if (auto openable = detail::memfs::openable(kind, owner); !openable)
            return openable.error();
    }
    return state_->open(*ino, true, false, false);
}

PERSIST_DECL io_result<memory_fs::handle> memory_fs::create_exclusive(
    std::filesystem::path const& p, mode_t mode) {
    notify({fs_op::create_exclusive, {}, {}});
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    int follows = 0;
    auto where = s.find_parent(p, follows);
    if (!where) return where.error();
    if (detail::memfs::names_itself(where->name) || where->trailing_slash) return error_of(EISDIR);
    if (s.child(where->dir, where->name))
        return error_of(EEXIST);  // anything, even a dangling symlink
    auto const ino = s.create_inode(file_kind::regular, mode & ~s.options.umask);
    s.add_name(where->dir, where->name, ino);
    pending_op op;
    op.kind = op_kind::add_entry;
    op.inode = ino;
    op.dir = where->dir;
    op.name = where->name;
    op.what = "create " + s.entry_path(where->dir, where->name);
    s.record(std::move(op));
    return s.open(ino, false, true, false);
}

PERSIST_DECL io_result<memory_fs::handle> memory_fs::create_anonymous(
    std::filesystem::path const& dir, mode_t mode) {
    notify({fs_op::create_anonymous, {}, {}});
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    auto d = s.find(dir, true);
    if (!d) return d.error();
    if (s.live.at(*d).kind != file_kind::directory) return error_of(ENOTDIR);
    if (!s.options.supports_tmpfile) return error_of(EOPNOTSUPP);
    auto const ino = s.create_inode(file_kind::regular, mode & ~s.options.umask);
    s.live.at(ino).linkable = true;
    return s.open(ino, false, true, false);
}

PERSIST_DECL io_result<memory_fs::handle> memory_fs::open_append(std::filesystem::path const& p,
                                                                 mode_t mode, name_owner owner) {
    notify({fs_op::open_append, {}, {}});
    std::lock_guard const lock(state_->mutex);
    return detail::memfs::open_creating(*state_, p, mode, owner, false, true);
}

PERSIST_DECL io_result<void> memory_fs::write(handle h, std::span<std::byte const> bytes) {
    notify({fs_op::write, h, bytes});
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    auto* file = s.file_of(h);
    if (file == nullptr || !file->writable) return error_of(EBADF);
    if (bytes.empty()) return {};
    auto& n = s.live.at(file->inode);
    auto const offset = file->append ? n.data.size() : static_cast<std::size_t>(file->offset);
    if (n.data.size() < offset + bytes.size()) n.data.resize(offset + bytes.size());
    std::copy(bytes.begin(), bytes.end(), n.data.begin() + static_cast<std::ptrdiff_t>(offset));
    file->offset = offset + bytes.size();
    n.modified_ns = s.tick();
    pending_op op;
    op.kind = op_kind::write;
    op.inode = file->inode;
    op.offset = offset;
    op.bytes = detail::memfs::copy_bytes(bytes);
    op.modified_ns = n.modified_ns;
    op.what = "write " + std::to_string(bytes.size()) + " bytes at " + std::to_string(offset) +
              " to " + s.path_of(file->inode);
    s.record(std::move(op));
    return {};
}

namespace detail::memfs {

/// read(2) when `at` is empty (from the handle's offset, which advances),
/// else pread(2) at *at. REQUIRES: the caller holds s.mutex.
inline io_result<std::size_t> read_file(state& s, memory_fs::handle h,
                                        std::optional<std::uint64_t> at,
                                        std::span<std::byte> buffer) {
    auto* file = s.file_of(h);
    if (file == nullptr || !file->readable) return error_of(EBADF);
    auto const& n = s.live.at(file->inode);
    if (n.kind == file_kind::directory) return error_of(EISDIR);
    auto const offset = at.value_or(file->offset);
    if (offset >= n.data.size()) return std::size_t{0};
    auto const count =
        std::min<std::size_t>(buffer.size(), n.data.size() - static_cast<std::size_t>(offset));
    auto const from = n.data.begin() + static_cast<std::ptrdiff_t>(offset);
    std::copy(from, from + static_cast<std::ptrdiff_t>(count), buffer.begin());
    if (!at) file->offset += count;
    return count;
}

}  // namespace detail::memfs

PERSIST_DECL io_result<std::size_t> memory_fs::read(handle h, std::span<std::byte> buffer) {
    std::lock_guard const lock(state_->mutex);
    return detail::memfs::read_file(*state_, h, std::nullopt, buffer);
}

PERSIST_DECL io_result<std::size_t> memory_fs::read_at(handle h, std::uint64_t offset,
                                                       std::span<std::byte> buffer) {
    std::lock_guard const lock(state_->mutex);
    return detail::memfs::read_file(*state_, h, offset, buffer);
}

PERSIST_DECL io_result<void> memory_fs::truncate(handle h, std::uint64_t size) {
    notify({fs_op::truncate, h, {}});
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    auto* file = s.file_of(h);
    if (file == nullptr) return error_of(EBADF);
    auto& n = s.live.at(file->inode);
    if (!file->writable || n.kind != file_kind::regular) return error_of(EINVAL);
    n.data.resize(static_cast<std::size_t>(size));
    n.modified_ns = s.tick();
    pending_op op;
    op.kind = op_kind::truncate;
    op.inode = file->inode;
    op.size = size;
    op.modified_ns = n.modified_ns;
    op.what = "truncate " + s.path_of(file->inode) + " to " + std::to_string(size) + " bytes";
    s.record(std::move(op));
    return {};
}

PERSIST_DECL io_result<void> memory_fs::sync_data(handle h) {
    notify({fs_op::sync_data, h, {}});
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    auto* file = s.file_of(h);
    if (file == nullptr) return error_of(EBADF);
    if (s.live.at(file->inode).kind == file_kind::directory) {
        s.persist_directory(file->inode);
    } else {
        s.persist_file(file->inode, false);
    }
    return {};
}

PERSIST_DECL io_result<void> memory_fs::sync_full(handle h) {
    notify({fs_op::sync_full, h, {}});
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    auto* file = s.file_of(h);
    if (file == nullptr) return error_of(EBADF);
    if (s.live.at(file->inode).kind == file_kind::directory) {
        s.persist_directory(file->inode);
    } else {
        s.persist_file(file->inode, true);
    }
    return {};
}

PERSIST_DECL io_result<void> memory_fs::close(handle h) {
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    auto const found = s.files.find(h.id);
    if (found == s.files.end()) return error_of(EBADF);
    auto const ino = found->second.inode;
    bool const was_locked = found->second.locked;
    s.files.erase(found);
    --s.live.at(ino).open_handles;
    s.release_if_unused(ino);
    if (was_locked) s.lock_released.notify_all();
    return {};
}

PERSIST_DECL io_result<void> memory_fs::rename(std::filesystem::path const& from,
                                               std::filesystem::path const& to) {
    notify({fs_op::rename, {}, {}});
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    int follows = 0;
    auto source = s.find_parent(from, follows);
    if (!source) return source.error();
    follows = 0;
    auto dest = s.find_parent(to, follows);
    if (!dest) return dest.error();
    if (detail::memfs::names_itself(source->name) || detail::memfs::names_itself(dest->name))
        return error_of(EBUSY);
    auto const moved = s.child(source->dir, source->name);
    if (!moved) return error_of(ENOENT);
    bool const moving_directory = s.live.at(*moved).kind == file_kind::directory;
    if ((source->trailing_slash || dest->trailing_slash) && !moving_directory)
        return error_of(ENOTDIR);
    auto const replaced = s.child(dest->dir, dest->name);
    if (replaced == moved) return {};  // two names of one inode: rename(2) does nothing
    if (moving_directory) {
        for (inode_number d = dest->dir;; d = s.live.at(d).parent) {
            if (d == *moved) return error_of(EINVAL);  // into its own subtree
            if (d == detail::memfs::root_inode) break;
        }
        if (replaced) {
            auto const& r = s.live.at(*replaced);
            if (r.kind != file_kind::directory) return error_of(ENOTDIR);
            if (!r.entries.empty()) return error_of(ENOTEMPTY);
        }
    } else if (replaced && s.live.at(*replaced).kind == file_kind::directory) {
        return error_of(EISDIR);
    }
    pending_op op;
    op.kind = op_kind::rename;
    op.inode = *moved;
    op.dir = source->dir;
    op.name = source->name;
    op.to_dir = dest->dir;
    op.to_name = dest->name;
    op.what = "rename " + s.entry_path(source->dir, source->name) + " -> " +
              s.entry_path(dest->dir, dest->name);
    s.remove_name(source->dir, source->name);
    if (replaced) {
        s.remove_name(dest->dir, dest->name);
        s.release_if_unused(*replaced);
    }
    s.add_name(dest->dir, dest->name, *moved);
    s.record(std::move(op));
    return {};
}

PERSIST_DECL io_result<void> memory_fs::link_handle(handle h, std::filesystem::path const& p) {
    notify({fs_op::link_handle, h, {}});
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    auto* file = s.file_of(h);
    if (file == nullptr) return error_of(EBADF);
    auto const ino = file->inode;
    auto const& n = s.live.at(ino);
    if (n.kind == file_kind::directory) return error_of(EPERM);
    if (n.links == 0 && !n.linkable)
        return error_of(ENOENT);  // unlinked, and not an O_TMPFILE file
    int follows = 0;
    auto where = s.find_parent(p, follows);
    if (!where) return where.error();
    if (s.child(where->dir, where->name)) return error_of(EEXIST);
    if (where->trailing_slash) return error_of(ENOENT);
    s.add_name(where->dir, where->name, ino);
    pending_op op;
    op.kind = op_kind::add_entry;
    op.inode = ino;
    op.dir = where->dir;
    op.name = where->name;
    op.what = "link handle to " + s.entry_path(where->dir, where->name);
    s.record(std::move(op));
    return {};
}

PERSIST_DECL io_result<void> memory_fs::link(std::filesystem::path const& from,
                                             std::filesystem::path const& to) {
    notify({fs_op::link, {}, {}});
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    auto source = s.find(from, false);  // link(2) does not follow a final symlink
    if (!source) return source.error();
    if (s.live.at(*source).kind == file_kind::directory) return error_of(EPERM);
    int follows = 0;
    auto where = s.find_parent(to, follows);
    if (!where) return where.error();
    if (s.child(where->dir, where->name)) return error_of(EEXIST);
    if (where->trailing_slash) return error_of(ENOENT);
    s.add_name(where->dir, where->name, *source);
    pending_op op;
    op.kind = op_kind::add_entry;
    op.inode = *source;
    op.dir = where->dir;
    op.name = where->name;
    op.what = "link " + s.entry_path(where->dir, where->name) + " to " + s.path_of(*source);
    s.record(std::move(op));
    return {};
}

PERSIST_DECL io_result<void> memory_fs::unlink(std::filesystem::path const& p) {
    notify({fs_op::unlink, {}, {}});
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    int follows = 0;
    auto where = s.find_parent(p, follows);
    if (!where) return where.error();
    if (detail::memfs::names_itself(where->name)) return error_of(EISDIR);
    auto const ino = s.child(where->dir, where->name);
    if (!ino) return error_of(ENOENT);
    if (s.live.at(*ino).kind == file_kind::directory) return error_of(EISDIR);
    if (where->trailing_slash) return error_of(ENOTDIR);
    pending_op op;
    op.kind = op_kind::remove_entry;
    op.inode = *ino;
    op.dir = where->dir;
    op.name = where->name;
    op.what = "unlink " + s.entry_path(where->dir, where->name);
    s.remove_name(where->dir, where->name);
    s.release_if_unused(*ino);
    s.record(std::move(op));
    return {};
}

PERSIST_DECL io_result<void> memory_fs::sync_directory(std::filesystem::path const& dir) {
    notify({fs_op::sync_directory, {}, {}});
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    auto d = s.find(dir, true);
    if (!d) return d.error();
    if (s.live.at(*d).kind != file_kind::directory) return error_of(ENOTDIR);
    s.persist_directory(*d);
    return {};
}

PERSIST_DECL io_result<void> memory_fs::make_directory(std::filesystem::path const& p,
                                                       mode_t mode) {
    notify({fs_op::make_directory, {}, {}});
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    int follows = 0;
    auto where = s.find_parent(p, follows);
    if (!where) return where.error();
    if (detail::memfs::names_itself(where->name) || s.child(where->dir, where->name))
        return error_of(EEXIST);
    auto const ino = s.create_inode(file_kind::directory, mode & ~s.options.umask);
    s.add_name(where->dir, where->name, ino);
    pending_op op;
    op.kind = op_kind::add_entry;
    op.inode = ino;
    op.dir = where->dir;
    op.name = where->name;
    op.what = "make directory " + s.entry_path(where->dir, where->name);
    s.record(std::move(op));
    return {};
}

PERSIST_DECL io_result<file_status> memory_fs::stat(std::filesystem::path const& p) {
    std::lock_guard const lock(state_->mutex);
    auto ino = state_->find(p, true);
    if (!ino) return ino.error();
    return state_->status_of(*ino);
}

PERSIST_DECL io_result<file_status> memory_fs::lstat(std::filesystem::path const& p) {
    std::lock_guard const lock(state_->mutex);
    auto ino = state_->find(p, false);
    if (!ino) return ino.error();
    return state_->status_of(*ino);
}

PERSIST_DECL io_result<file_status> memory_fs::stat(handle h) {
    std::lock_guard const lock(state_->mutex);
    auto* file = state_->file_of(h);
    if (file == nullptr) return error_of(EBADF);
    return state_->status_of(file->inode);
}

PERSIST_DECL io_result<void> memory_fs::set_mode(handle h, mode_t mode) {
    notify({fs_op::set_mode, h, {}});
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    auto* file = s.file_of(h);
    if (file == nullptr) return error_of(EBADF);
    s.live.at(file->inode).mode = mode & 07777;
    pending_op op;
    op.kind = op_kind::set_mode;
    op.inode = file->inode;
    op.mode = mode & 07777;
    char octal[16];
    std::snprintf(octal, sizeof octal, "%04o", static_cast<unsigned>(op.mode));
    op.what = "set mode of " + s.path_of(file->inode) + " to " + octal;
    s.record(std::move(op));
    return {};
}

PERSIST_DECL io_result<void> memory_fs::set_owner(handle h, uid_t owner, gid_t group) {
    notify({fs_op::set_owner, h, {}});
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    auto* file = s.file_of(h);
    if (file == nullptr) return error_of(EBADF);
    auto& n = s.live.at(file->inode);
    uid_t const new_owner = owner == static_cast<uid_t>(-1) ? n.owner : owner;
    gid_t const new_group = group == static_cast<gid_t>(-1) ? n.group : group;
    // Without CAP_CHOWN: only the owner may change the group, to its own.
    if (!s.may_chown && (new_owner != n.owner || n.owner != s.owner ||
                         (new_group != n.group && new_group != s.group))) {
        return error_of(EPERM);
    }
    n.owner = new_owner;
    n.group = new_group;
    pending_op op;
    op.kind = op_kind::set_owner;
    op.inode = file->inode;
    op.owner = new_owner;
    op.group = new_group;
    op.what = "set owner of " + s.path_of(file->inode) + " to " + std::to_string(new_owner) + ":" +
              std::to_string(new_group);
    s.record(std::move(op));
    return {};
}

PERSIST_DECL io_result<std::filesystem::path> memory_fs::read_symlink(
    std::filesystem::path const& p) {
    std::lock_guard const lock(state_->mutex);
    auto ino = state_->find(p, false);
    if (!ino) return ino.error();
    auto const& n = state_->live.at(*ino);
    if (n.kind != file_kind::symlink) return error_of(EINVAL);
    return std::filesystem::path(n.target);
}

PERSIST_DECL io_result<std::vector<std::string>> memory_fs::list_directory(
    std::filesystem::path const& dir) {
    std::lock_guard const lock(state_->mutex);
    auto ino = state_->find(dir, true);
    if (!ino) return ino.error();
    auto const& n = state_->live.at(*ino);
    if (n.kind != file_kind::directory) return error_of(ENOTDIR);
    std::vector<std::string> names;
    names.reserve(n.entries.size());
    for (auto const& entry : n.entries)
        names.push_back(entry.first);
    return names;
}

PERSIST_DECL io_result<memory_fs::handle> memory_fs::lock(std::filesystem::path const& p) {
    notify({fs_op::lock, {}, {}});
    std::unique_lock guard(state_->mutex);
    auto& s = *state_;
    auto opened = detail::memfs::open_creating(s, p, 0600, name_owner::persist, true, false);
    if (!opened) return opened;
    auto const ino = s.file_of(*opened)->inode;
    auto held_elsewhere = [&] {
        for (auto const& [id, file] : s.files) {
            if (file.inode == ino && file.locked) return true;
        }
        return false;
    };
    s.lock_released.wait(guard, [&] { return !held_elsewhere(); });
    s.file_of(*opened)->locked = true;
    return opened;
}

PERSIST_DECL mode_t memory_fs::umask() {
    std::lock_guard const lock(state_->mutex);
    return state_->options.umask;
}

PERSIST_DECL io_result<void> memory_fs::symlink(std::filesystem::path const& target,
                                                std::filesystem::path const& link) {
    std::lock_guard const lock(state_->mutex);
    if (target.empty()) return error_of(ENOENT);
    return detail::memfs::add_special_file(*state_, link, file_kind::symlink, 0777,
                                           target.native());
}

PERSIST_DECL io_result<void> memory_fs::make_fifo(std::filesystem::path const& p, mode_t mode) {
    std::lock_guard const lock(state_->mutex);
    return detail::memfs::add_special_file(*state_, p, file_kind::other,
                                           mode & ~state_->options.umask, {});
}

PERSIST_DECL void memory_fs::set_umask(mode_t mask) {
    std::lock_guard const lock(state_->mutex);
    state_->options.umask = mask & 0777;
}

PERSIST_DECL memory_fs_options memory_fs::options() const {
    std::lock_guard const lock(state_->mutex);
    return state_->options;
}

}  // namespace persist

#endif
