// Everything persist offers, in one include.
#ifndef PERSIST_PERSIST_HPP
#define PERSIST_PERSIST_HPP

#include <persist/atomic_file.hpp>
#include <persist/durability/data_sync.hpp>
#include <persist/durability/file_sync.hpp>
#include <persist/durability/full_sync.hpp>
#include <persist/durability/no_sync.hpp>
#include <persist/error.hpp>
#include <persist/fs/posix_fs.hpp>
#include <persist/naming/anonymous_temp.hpp>
#include <persist/naming/sibling_temp.hpp>
#include <persist/naming/temp_dir.hpp>
#include <persist/store/jsonl_log.hpp>

#endif
