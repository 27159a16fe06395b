// Out-of-line definitions for <persist/testing/detail/memory_fs_state.hpp> and the
// crash-model members of <persist/testing/memory_fs.hpp>: which pending
// operations may reach the disk together, how they land, and the images
// that result.
#ifndef PERSIST_TESTING_DETAIL_IMPL_MEMORY_FS_CRASH_IPP
#define PERSIST_TESTING_DETAIL_IMPL_MEMORY_FS_CRASH_IPP

#include <persist/testing/detail/memory_fs_state.hpp>

#include <algorithm>
#include <cstdio>
#include <random>
#include <unordered_set>

namespace persist::detail::memfs {

enum torn_kind : int { whole = 0, zeros = 1, garbage = 2, first_half = 3 };

// Bytes that are clearly not what was written: high bit set, varying.
inline std::byte garbage_byte(std::size_t i) noexcept {
    return static_cast<std::byte>(0x80 | ((i * 37 + 11) & 0x7f));
}

// Visits every name reachable from "/" in name order, each directory once:
// visit(ino, path, first_path_of_ino_or_empty).
template <class Visit>
void walk(tree const& t, Visit&& visit) {
    std::unordered_map<inode_number, std::string> seen;
    auto recurse = [&](auto& self, inode_number ino, std::string const& path) -> void {
        auto const [at, first] = seen.try_emplace(ino, path);
        visit(ino, path, first ? std::string() : at->second);
        if (!first) return;
        auto const found = t.nodes.find(ino);
        if (found == t.nodes.end() || found->second.kind != file_kind::directory) return;
        for (auto const& [name, child] : found->second.entries) {
            self(self, child, path == "/" ? "/" + name : path + "/" + name);
        }
    };
    recurse(recurse, root_inode, "/");
}

inline char kind_letter(file_kind k) noexcept {
    switch (k) {
        case file_kind::regular: return 'f';
        case file_kind::directory: return 'd';
        case file_kind::symlink: return 'l';
        default: return '?';
    }
}

inline std::string preview(byte_buffer const& data) {
    constexpr std::size_t shown = 40;
    std::string out = "\"";
    for (std::size_t i = 0; i < std::min(shown, data.size()); ++i) {
        auto const c = static_cast<unsigned char>(data[i]);
        if (c == '\n') {
            out += "\\n";
        } else if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        }
    }
    out += data.size() > shown ? "\"…" : "\"";
    return out;
}

inline std::string describe_tree(tree const& t) {
    std::string out;
    walk(t, [&](inode_number ino, std::string const& path, std::string const& first) {
        auto const& n = t.nodes.at(ino);
        char line[96];
        std::snprintf(line, sizeof line, "  %c %04o %u:%u ", kind_letter(n.kind),
                      static_cast<unsigned>(n.mode), static_cast<unsigned>(n.owner),
                      static_cast<unsigned>(n.group));
        out += line;
        out += path;
        if (!first.empty()) {
            out += "  (hard link to " + first + ")";
        } else if (n.kind == file_kind::regular) {
            out += "  " + std::to_string(n.data.size()) + " bytes " + preview(n.data);
        } else if (n.kind == file_kind::symlink) {
            out += " -> " + n.target;
        }
        out += '\n';
    });
    return out;
}

PERSIST_DECL std::vector<std::vector<std::size_t>> dependencies(std::vector<pending_op> const& ops,
                                                                bool ordered) {
    std::vector<std::vector<std::size_t>> deps(ops.size());
    std::map<std::pair<inode_number, std::string>, std::size_t> last_on_name;
    std::optional<std::size_t> last_entry;
    for (std::size_t j = 0; j < ops.size(); ++j) {
        auto const& op = ops[j];
        if (!op.is_entry()) continue;
        auto after_same_name = [&](inode_number dir, std::string const& name) {
            auto const [at, first] = last_on_name.try_emplace({dir, name}, j);
            if (!first && at->second != j) {
                deps[j].push_back(at->second);
                at->second = j;
            }
        };
        after_same_name(op.dir, op.name);
        if (op.kind == op_kind::rename) after_same_name(op.to_dir, op.to_name);
        if (ordered && last_entry) deps[j].push_back(*last_entry);
        last_entry = j;
    }
    return deps;
}

PERSIST_DECL void apply(tree& t, pending_op const& op, int torn) {
    auto const at = t.nodes.find(op.is_entry() ? op.dir : op.inode);
    if (at == t.nodes.end())
        return;  // only pruned images lack an inode, and they are never applied to
    auto& n = at->second;
    switch (op.kind) {
        case op_kind::write: {
            auto const& bytes = *op.bytes;
            std::size_t const length = torn == first_half ? bytes.size() / 2 : bytes.size();
            auto const offset = static_cast<std::size_t>(op.offset);
            if (n.data.size() < offset + length) n.data.resize(offset + length);
            for (std::size_t i = 0; i < length; ++i) {
                n.data[offset + i] = torn == zeros     ? std::byte{0}
                                     : torn == garbage ? garbage_byte(i)
                                                       : bytes[i];
            }
            n.modified_ns = op.modified_ns;
            break;
        }
        case op_kind::truncate:
            n.data.resize(static_cast<std::size_t>(op.size));
            n.modified_ns = op.modified_ns;
            break;
        case op_kind::set_mode: n.mode = op.mode; break;
        case op_kind::set_owner:
            n.owner = op.owner;
            n.group = op.group;
            break;
        case op_kind::add_entry: n.entries[op.name] = op.inode; break;
        case op_kind::remove_entry:
            if (auto e = n.entries.find(op.name); e != n.entries.end() && e->second == op.inode)
                n.entries.erase(e);
            break;
        case op_kind::rename: {
            if (auto e = n.entries.find(op.name); e != n.entries.end() && e->second == op.inode)
                n.entries.erase(e);
            if (auto const to = t.nodes.find(op.to_dir); to != t.nodes.end())
                to->second.entries[op.to_name] = op.inode;
            break;
        }
    }
}

PERSIST_DECL std::string canonical_key(tree const& t) {
    std::string key;
    walk(t, [&](inode_number ino, std::string const& path, std::string const& first) {
        auto const& n = t.nodes.at(ino);
        key += path;
        key += '\0';
        if (!first.empty()) {
            key += "=" + first;
        } else {
            key += kind_letter(n.kind);
            key += std::to_string(n.mode) + ':' + std::to_string(n.owner) + ':' +
                   std::to_string(n.group) + ':';
            if (n.kind == file_kind::regular) {
                key += std::to_string(n.data.size()) + ':';
                key.append(reinterpret_cast<char const*>(n.data.data()), n.data.size());
            } else if (n.kind == file_kind::symlink) {
                key += n.target;
            }
        }
        key += '\0';
    });
    return key;
}

PERSIST_DECL void prune(tree& t) {
    std::unordered_set<inode_number> reached;
    walk(t, [&](inode_number ino, std::string const&, std::string const&) { reached.insert(ino); });
    std::erase_if(t.nodes, [&](auto const& entry) { return !reached.contains(entry.first); });
}

PERSIST_DECL tree const& image_access::tree_of(memory_image const& image) {
    static tree const empty = [] {
        tree t;
        t.nodes[root_inode].kind = file_kind::directory;
        return t;
    }();
    return image.tree_ ? *image.tree_ : empty;
}

PERSIST_DECL tree state::live_tree() const {
    tree t;
    for (auto const& [ino, n] : live)
        t.nodes.emplace(ino, static_cast<node const&>(n));
    return t;
}

// The images of one power cut: which subsets of the pending operations
// reached the disk (closed under their dependencies), each with at most one
// write torn. chosen[i] says whether pending[i] is in the subset at hand.
class crash_images {
public:
    crash_images(tree const& durable, std::vector<pending_op> const& pending,
                 bool ordered_directory_operations, crash_result& result)
        : durable_(durable),
          pending_(pending),
          n_(pending.size()),
          deps_(dependencies(pending, ordered_directory_operations)),
          chosen_(n_, 0),
          header_("power cut with " + std::to_string(n_) + " pending operation" +
                  (n_ == 1 ? "" : "s")),
          result_(result) {
        result_.pending = n_;
    }

    /// Every subset: 2^n of them.
    void all_subsets() {
        for (std::uint64_t mask = 0; mask < (std::uint64_t{1} << n_); ++mask) {
            for (std::size_t i = 0; i < n_; ++i)
                chosen_[i] = (mask >> i) & 1;
            if (closed()) emit_each_tearing();
        }
    }

    /// Too many for all: the prefixes (each with its last write torn), each
    /// prefix without one of its last operations, and random subsets.
    void sampled(std::uint64_t seed, std::size_t random_samples) {
        char seed_text[32];
        std::snprintf(seed_text, sizeof seed_text, "%llu", static_cast<unsigned long long>(seed));
        header_ += " (sampled; seed " + std::string(seed_text) + ")";
        for (std::size_t k = 0; k <= n_; ++k) {
            choose_prefix(k);
            emit(n_, whole);
            if (k > 0 && pending_[k - 1].kind == op_kind::write) {
                emit(k - 1, zeros);
                emit(k - 1, garbage);
                emit(k - 1, first_half);
            }
        }
        constexpr std::size_t omit_window = 8;
        for (std::size_t k = 1; k <= n_; ++k) {
            for (std::size_t j = k > omit_window ? k - omit_window : 0; j < k; ++j) {
                choose_prefix(k);
                chosen_[j] = 0;
                close_under_dependencies();
                emit(n_, whole);
            }
        }
        std::mt19937_64 random(seed);
        for (std::size_t s = 0; s < random_samples; ++s) {
            for (std::size_t i = 0; i < n_; ++i)
                chosen_[i] = static_cast<char>(random() & 1);
            close_under_dependencies();
            std::vector<std::size_t> writes;
            for (std::size_t i = 0; i < n_; ++i) {
                if (chosen_[i] && pending_[i].kind == op_kind::write) writes.push_back(i);
            }
            if (!writes.empty() && (random() & 1)) {
                emit(writes[random() % writes.size()], static_cast<int>(1 + random() % 3));
            } else {
                emit(n_, whole);
            }
        }
    }

private:
    /// The image of the chosen subset with pending_[torn_at] landed as
    /// `torn` (torn_at == n_: none torn), unless an equal image was seen.
    void emit(std::size_t torn_at, int torn) {
        tree t = durable_;
        for (std::size_t i = 0; i < n_; ++i) {
            if (chosen_[i]) apply(t, pending_[i], i == torn_at ? torn : whole);
        }
        prune(t);
        auto key = canonical_key(t);
        if (!seen_.insert(key).second) return;
        result_.images.push_back(image_access::make(std::make_shared<tree const>(std::move(t)),
                                                    describe(torn_at, torn), std::move(key)));
    }

    std::string describe(std::size_t torn_at, int torn) const {
        std::string how = header_ + "\n";
        for (std::size_t i = 0; i < n_; ++i) {
            how += "  #" + std::to_string(pending_[i].sequence) + " " + pending_[i].what + ": ";
            if (!chosen_[i]) {
                how += "lost\n";
            } else if (i != torn_at) {
                how += "persisted\n";
            } else {
                how += torn == zeros     ? "torn (zeros)\n"
                       : torn == garbage ? "torn (garbage)\n"
                                         : "torn (first half)\n";
            }
        }
        return how;
    }

    /// The chosen subset whole, then with each chosen write torn each way.
    void emit_each_tearing() {
        emit(n_, whole);
        for (std::size_t i = 0; i < n_; ++i) {
            if (!chosen_[i] || pending_[i].kind != op_kind::write) continue;
            emit(i, zeros);
            emit(i, garbage);
            if (pending_[i].bytes->size() >= 2) emit(i, first_half);
        }
    }

    bool closed() const {
        for (std::size_t i = 0; i < n_; ++i) {
            if (!chosen_[i]) continue;
            for (auto const d : deps_[i]) {
                if (!chosen_[d]) return false;
            }
        }
        return true;
    }

    void close_under_dependencies() {
        for (std::size_t i = 0; i < n_; ++i) {
            if (chosen_[i] && std::any_of(deps_[i].begin(), deps_[i].end(),
                                          [&](std::size_t d) { return !chosen_[d]; })) {
                chosen_[i] = 0;
            }
        }
    }

    void choose_prefix(std::size_t k) {
        for (std::size_t i = 0; i < n_; ++i)
            chosen_[i] = i < k;
    }

    tree const& durable_;
    std::vector<pending_op> const& pending_;
    std::size_t n_;
    std::vector<std::vector<std::size_t>> deps_;
    std::vector<char> chosen_;
    std::unordered_set<std::string> seen_;
    std::string header_;
    crash_result& result_;
};

PERSIST_DECL crash_result state::crash(crash_options const& opts) const {
    crash_result result;
    crash_images images(durable, pending, options.ordered_directory_operations, result);
    constexpr std::size_t largest_exhaustive = 20;  // 2^20 subsets
    if (pending.size() <= std::min(opts.exhaustive_limit, largest_exhaustive)) {
        images.all_subsets();
        return result;
    }
    result.exhaustive = false;
    result.seed = opts.seed
                      ? *opts.seed
                      : (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
    images.sampled(result.seed, opts.random_samples);
    return result;
}

PERSIST_DECL void state::boot(tree const& image) {
    durable = image;
    prune(durable);
    live.clear();
    for (auto const& [ino, n] : durable.nodes) {
        live_node ln;
        static_cast<node&>(ln) = n;
        if (ln.kind == file_kind::directory) ln.links = 2;
        live.emplace(ino, std::move(ln));
    }
    live.at(root_inode).parent = root_inode;
    for (auto& [ino, n] : live) {
        for (auto const& [name, child_ino] : n.entries) {
            auto& c = live.at(child_ino);
            if (c.kind == file_kind::directory) {
                c.parent = ino;
                ++n.links;
            } else {
                ++c.links;
            }
        }
    }
    next_inode = root_inode + 1;
    for (auto const& [ino, n] : live)
        next_inode = std::max(next_inode, ino + 1);
    pending.clear();
    files.clear();
}

}  // namespace persist::detail::memfs

namespace persist {

PERSIST_DECL std::string memory_image::describe() const {
    return detail::memfs::describe_tree(detail::memfs::image_access::tree_of(*this));
}

using detail::memfs::error_of;
using detail::memfs::op_kind;
using detail::memfs::pending_op;

// --- the crash model -------------------------------------------------------------

PERSIST_DECL crash_result memory_fs::crash(crash_options const& options) const {
    std::lock_guard const lock(state_->mutex);
    return state_->crash(options);
}

PERSIST_DECL memory_image memory_fs::process_crash() const {
    std::lock_guard const lock(state_->mutex);
    auto t = state_->live_tree();
    detail::memfs::prune(t);
    auto key = detail::memfs::canonical_key(t);
    return detail::memfs::image_access::make(
        std::make_shared<detail::memfs::tree const>(std::move(t)), "process crash: the live view",
        std::move(key));
}

PERSIST_DECL memory_image
memory_fs::process_crash_during_write(handle h, std::span<std::byte const> applied) const {
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    auto t = s.live_tree();
    if (auto const* file = s.file_of(h); file != nullptr && file->writable && !applied.empty()) {
        pending_op op;
        op.kind = op_kind::write;
        op.inode = file->inode;
        op.offset = file->append ? s.live.at(file->inode).data.size() : file->offset;
        op.bytes = detail::memfs::copy_bytes(applied);
        detail::memfs::apply(t, op);
    }
    detail::memfs::prune(t);
    auto key = detail::memfs::canonical_key(t);
    return detail::memfs::image_access::make(
        std::make_shared<detail::memfs::tree const>(std::move(t)),
        "process crash during a write, " + std::to_string(applied.size()) + " bytes of it applied",
        std::move(key));
}

PERSIST_DECL memory_image memory_fs::durable_image() const {
    std::lock_guard const lock(state_->mutex);
    auto t = state_->durable;
    detail::memfs::prune(t);
    auto key = detail::memfs::canonical_key(t);
    return detail::memfs::image_access::make(
        std::make_shared<detail::memfs::tree const>(std::move(t)), "the durable view",
        std::move(key));
}

PERSIST_DECL memory_fs memory_fs::reboot(memory_image const& image, memory_fs_options options) {
    auto state = std::make_shared<detail::memfs::state>(options);
    state->boot(detail::memfs::image_access::tree_of(image));
    return memory_fs(std::move(state));
}

PERSIST_DECL void memory_fs::sync_all() {
    std::lock_guard const lock(state_->mutex);
    state_->persist([](pending_op const&) { return true; });
}

PERSIST_DECL std::vector<std::string> memory_fs::pending_operations() const {
    std::lock_guard const lock(state_->mutex);
    std::vector<std::string> lines;
    for (auto const& op : state_->pending)
        lines.push_back("#" + std::to_string(op.sequence) + " " + op.what);
    return lines;
}

PERSIST_DECL io_result<void> memory_fs::drop_dirty_data(handle h) {
    std::lock_guard const lock(state_->mutex);
    auto& s = *state_;
    auto* file = s.file_of(h);
    if (file == nullptr) return error_of(EBADF);
    auto const ino = file->inode;
    std::erase_if(s.pending, [&](pending_op const& op) { return op.inode == ino && op.is_data(); });
    return {};
}

PERSIST_DECL void memory_fs::set_crash_point_observer(
    std::function<void(crash_point const&)> observer) {
    std::lock_guard const lock(state_->mutex);
    state_->observer = std::move(observer);
}

}  // namespace persist

#endif
