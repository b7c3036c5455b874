//! Memory: the allocator of every program of the crate, how the long-lived
//! server gives memory back to the system, the budget of each query
//! ([`budget`]) and the ceiling of the whole process ([`ceiling`]).
//!
//! mimalloc is faster than the system allocator for the build's millions of
//! small allocations and backs its arenas with transparent huge pages: two
//! builds of 10⁶ synthetic awards one after the other took 81 s and 9.4 GiB
//! at peak with it, 107 s and 10.9 GiB without (see `BENCHMARKS.md`). The server's heap is small at
//! rest but peaks under hostile queries, so `serve` turns both the delayed
//! purging and the huge pages off ([`release_memory_promptly`]).

pub mod budget;
pub mod ceiling;

#[global_allocator]
static ALLOCATOR: budget::Counting<mimalloc::MiMalloc> = budget::Counting(mimalloc::MiMalloc);

/// mimalloc's `mi_option_purge_delay`: the milliseconds before freed memory
/// goes back to the system (1 000 by default in mimalloc 3). Its number in
/// mimalloc's option enum (the same in versions 2 and 3), which
/// libmimalloc-sys does not name; the test below checks its default.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets the process up to serve: freed memory goes back to the system at
/// once, and no huge pages from now on. mimalloc purges only when it
/// allocates, so an idle server kept its peak (1.6 GB at rest after the
/// 30-second soak instead of 41 MB); 2-MiB pages made it 49 MB at rest on
/// the real data instead of 19. Call it before starting threads.
pub fn release_memory_promptly() {
    // SAFETY: mi_option_set takes no pointer.
    unsafe {
        libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0);
    }
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE only sets a flag of this process; it takes
    // no pointer. On failure (an old kernel) the pages stay as they were.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// Gives the memory the calling thread freed back to the system at once
/// (a cancelled cartesian product materializes hundreds of MB in a second).
/// It stands where `malloc_trim` stood with the system allocator, whose
/// absence let the RSS at rest grow by 74 % over a 10-minute soak with
/// hostile queries (see RELIABILITY.md).
pub fn release_free_memory() {
    // SAFETY: mi_collect takes no pointer and only frees what is unused.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_option_set_for_serving_is_the_purge_delay() {
        // SAFETY: mi_option_get takes no pointer.
        let default = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(default, 1000, "mimalloc 3's purge delay is 1 s by default");
    }
}
