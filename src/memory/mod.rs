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

/// Stack kept resident below the caller's frame by
/// [`release_unused_stack`]: what ordinary queries touch again at once.
const STACK_KEPT: usize = 256 << 10;

/// Gives back to the system the pages of the calling thread's stack below
/// its current frame (all but [`STACK_KEPT`]): a deeply nested query
/// touches megabytes of a query thread's stack, which stayed resident after
/// it (8 threads: 17 → 81 MB). Call it between queries, from a shallow
/// frame. Only on Linux; elsewhere it does nothing.
pub fn release_unused_stack() {
    #[cfg(target_os = "linux")]
    if let Some(UnusedStack {
        lowest,
        below_frame,
        page,
    }) = unused_stack()
    {
        // The stack is touched from the top down: if the page right under
        // the kept part is not resident, none below is, and there is
        // nothing to give back. mincore costs a fraction of a microsecond;
        // madvise flushes TLBs (measured: +7 % CPU on the query mix when
        // called after every query).
        let mut resident = 0_u8;
        // SAFETY: the probed page is mapped (this thread's stack) and
        // page-aligned; `resident` receives one byte.
        let probed = unsafe {
            libc::mincore(
                (below_frame - page) as *mut libc::c_void,
                page,
                &mut resident,
            )
        };
        if probed != 0 || resident & 1 == 0 {
            return;
        }
        // SAFETY: the range lies within this thread's own stack mapping,
        // strictly below the current frame (minus a margin), where no live
        // data is: the pages read back as zeros when touched again.
        unsafe {
            libc::madvise(
                lowest as *mut libc::c_void,
                below_frame - lowest,
                libc::MADV_DONTNEED,
            );
        }
    }
}

/// Bytes of the calling thread's stack below its current frame, down to
/// its guard page (`None` where the system does not tell: only Linux does
/// here).
pub fn stack_left() -> Option<usize> {
    #[cfg(target_os = "linux")]
    {
        let (lowest, end, _) = stack_bounds()?;
        let here = frame_address();
        (lowest..=end).contains(&here).then(|| here - lowest)
    }
    #[cfg(not(target_os = "linux"))]
    None
}

/// The page-aligned range of the calling thread's stack from its lowest
/// usable page (above the guard page) to [`STACK_KEPT`] below the current
/// frame.
#[cfg(target_os = "linux")]
struct UnusedStack {
    lowest: usize,
    below_frame: usize,
    page: usize,
}

/// The calling thread's lowest usable stack address (above its guard page)
/// and the end of its stack, and the page size, asked of the system once
/// per thread.
#[cfg(target_os = "linux")]
fn stack_bounds() -> Option<(usize, usize, usize)> {
    thread_local! {
        static BOUNDS: std::cell::Cell<Option<(usize, usize, usize)>> =
            const { std::cell::Cell::new(None) };
    }
    if let Some(bounds) = BOUNDS.with(std::cell::Cell::get) {
        return Some(bounds);
    }
    // SAFETY: sysconf takes no pointer.
    let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).ok()?;
    let mut attributes = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
    let (mut address, mut size) = (std::ptr::null_mut(), 0);
    // SAFETY: the attributes are initialized by pthread_getattr_np before
    // they are read, and destroyed once; the out-pointers are valid.
    unsafe {
        if libc::pthread_getattr_np(libc::pthread_self(), attributes.as_mut_ptr()) != 0 {
            return None;
        }
        let found = libc::pthread_attr_getstack(attributes.as_ptr(), &mut address, &mut size);
        libc::pthread_attr_destroy(attributes.as_mut_ptr());
        if found != 0 {
            return None;
        }
    }
    let lowest = (address as usize + page).next_multiple_of(page);
    let bounds = (lowest, address as usize + size, page);
    BOUNDS.with(|cell| cell.set(Some(bounds)));
    Some(bounds)
}

/// An address in the caller's stack frame (inlined: the caller's own).
#[cfg(target_os = "linux")]
#[inline(always)]
fn frame_address() -> usize {
    let frame = std::hint::black_box(0_u8);
    &frame as *const u8 as usize
}

/// The [`UnusedStack`] of the calling thread, if not empty.
#[cfg(target_os = "linux")]
fn unused_stack() -> Option<UnusedStack> {
    let (lowest, end, page) = stack_bounds()?;
    let here = frame_address();
    let below_frame = here.checked_sub(STACK_KEPT)? / page * page;
    (below_frame > lowest && here <= end).then_some(UnusedStack {
        lowest,
        below_frame,
        page,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pages of `range` resident in memory, by mincore.
    #[cfg(target_os = "linux")]
    fn resident_pages((start, end): (usize, usize)) -> usize {
        let page = 4096;
        let mut flags = vec![0_u8; (end - start).div_ceil(page)];
        // SAFETY: the range is mapped (this thread's stack) and page-aligned;
        // `flags` has one byte per page.
        let status =
            unsafe { libc::mincore(start as *mut libc::c_void, end - start, flags.as_mut_ptr()) };
        assert_eq!(status, 0);
        flags.iter().filter(|f| **f & 1 == 1).count()
    }

    /// Touches about `depth` KiB of stack.
    fn deep(depth: usize) -> u8 {
        let mut frame = [0_u8; 1024];
        frame[depth % 1024] = depth as u8;
        if depth == 0 {
            return std::hint::black_box(frame)[0];
        }
        std::hint::black_box(deep(depth - 1)).wrapping_add(std::hint::black_box(frame)[7])
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_deep_stack_is_given_back_after_use() {
        std::thread::Builder::new()
            .stack_size(256 << 20)
            .spawn(|| {
                deep(8 << 10);
                let unused = unused_stack().expect("a stack below this frame");
                let range = (unused.lowest, unused.below_frame);
                let before = resident_pages(range);
                assert!(before > 2000, "{before} pages touched by 8 MiB of frames");
                release_unused_stack();
                let after = resident_pages(range);
                assert!(after < 16, "{after} pages still resident");
                // The thread goes on using its stack as before; a shallow
                // thread has nothing to give back, and stays as it is.
                deep(8 << 10);
                release_unused_stack();
                assert!(resident_pages(range) < 16);
                release_unused_stack();
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn the_option_set_for_serving_is_the_purge_delay() {
        // SAFETY: mi_option_get takes no pointer.
        let default = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(default, 1000, "mimalloc 3's purge delay is 1 s by default");
    }
}
