package bolt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
)

// bbolt's on-disk layout (go.etcd.io/bbolt/internal/common), read here
// with plain file reads so that a damaged file is never touched through
// bbolt's memory map: a page beyond the end of a truncated file faults
// there, and no recover catches a fault.
const (
	pageHeaderSize = 16 // id u64, flags u16, count u16, overflow u32
	elementSize    = 16 // branch: pos, ksize u32, pgid u64; leaf: flags, pos, ksize, vsize u32
	metaSize       = 64
	boltMagic      = 0xED0CDAED
	boltVersion    = 2
	noFreelist     = ^uint64(0)

	flagBranch   = 0x01
	flagLeaf     = 0x02
	flagMeta     = 0x04
	flagFreelist = 0x10
	flagBucket   = 0x01 // on a leaf element
)

// meta is one of the two meta pages that say where the current tree is.
type meta struct {
	pageSize uint64
	root     uint64 // root bucket's page
	freelist uint64
	hwm      uint64 // high water mark: pages in use
	txid     uint64
}

// checkPages checks what bbolt would read through its memory map: both
// meta pages valid, the file long enough for the pages they claim, and
// every page reachable from the current meta inside the file, of the
// right type, with its elements inside the page. bbolt's tx.Check can
// then walk the file without faulting.
func checkPages(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("check store %s: %w", path, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return fmt.Errorf("check store %s: %w", path, err)
	}
	size := uint64(info.Size())
	m0, err := readMeta(f, 0)
	if err != nil {
		return corrupt(path, fmt.Errorf("meta page 0: %w", err))
	}
	m1, err := readMeta(f, int64(m0.pageSize))
	if err != nil {
		return corrupt(path, fmt.Errorf("meta page 1: %w", err))
	}
	if m0.pageSize != m1.pageSize {
		return corrupt(path, fmt.Errorf("meta pages disagree on the page size: %d and %d", m0.pageSize, m1.pageSize))
	}
	for i, m := range []meta{m0, m1} {
		switch {
		case m.hwm < 2 || m.hwm > size/m.pageSize:
			return corrupt(path, fmt.Errorf("truncated: meta page %d counts %d pages of %d bytes, the file holds %d bytes", i, m.hwm, m.pageSize, size))
		case m.root < 2 || m.root >= m.hwm, m.freelist != noFreelist && (m.freelist < 2 || m.freelist >= m.hwm):
			return corrupt(path, fmt.Errorf("meta page %d points outside the file", i))
		}
	}
	cur := m0
	if m1.txid > m0.txid {
		cur = m1
	}
	w := walker{r: f, m: cur, seen: map[uint64]bool{}}
	if cur.freelist != noFreelist {
		if err := w.freelist(); err != nil {
			return corrupt(path, err)
		}
	}
	if err := w.tree(cur.root); err != nil {
		return corrupt(path, err)
	}
	return nil
}

// readMeta reads and validates the meta page at off, as bbolt's
// Meta.Validate does.
func readMeta(r io.ReaderAt, off int64) (meta, error) {
	var b [pageHeaderSize + metaSize]byte
	if _, err := r.ReadAt(b[:], off); err != nil {
		return meta{}, errors.New("file too short")
	}
	le := binary.LittleEndian
	mb := b[pageHeaderSize:]
	sum := fnv.New64a()
	sum.Write(mb[:56])
	m := meta{pageSize: uint64(le.Uint32(mb[8:])), root: le.Uint64(mb[16:]),
		freelist: le.Uint64(mb[32:]), hwm: le.Uint64(mb[40:]), txid: le.Uint64(mb[48:])}
	switch {
	case le.Uint32(mb[0:]) != boltMagic:
		return meta{}, errors.New("not a bbolt meta page")
	case le.Uint32(mb[4:]) != boltVersion:
		return meta{}, fmt.Errorf("bbolt format version %d, want %d", le.Uint32(mb[4:]), boltVersion)
	case le.Uint64(mb[56:]) != sum.Sum64():
		return meta{}, errors.New("checksum mismatch")
	case le.Uint16(b[8:])&flagMeta == 0:
		return meta{}, errors.New("not marked as a meta page")
	case m.pageSize < 512 || m.pageSize > 1<<24 || m.pageSize&(m.pageSize-1) != 0:
		return meta{}, fmt.Errorf("page size %d", m.pageSize)
	}
	return m, nil
}

// walker reads the pages of one meta's tree.
type walker struct {
	r    io.ReaderAt
	m    meta
	seen map[uint64]bool
}

// page reads page id and its overflow pages, checking that they lie below
// the high water mark.
func (w *walker) page(id uint64) ([]byte, error) {
	if id < 2 || id >= w.m.hwm {
		return nil, fmt.Errorf("page %d: outside the %d pages in use", id, w.m.hwm)
	}
	head := make([]byte, pageHeaderSize)
	if _, err := w.r.ReadAt(head, int64(id*w.m.pageSize)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	le := binary.LittleEndian
	if got := le.Uint64(head); got != id {
		return nil, fmt.Errorf("page %d: header says page %d", id, got)
	}
	overflow := uint64(le.Uint32(head[12:]))
	if id+overflow >= w.m.hwm {
		return nil, fmt.Errorf("page %d: %d overflow pages run past the %d pages in use", id, overflow, w.m.hwm)
	}
	p := make([]byte, (overflow+1)*w.m.pageSize)
	if _, err := w.r.ReadAt(p, int64(id*w.m.pageSize)); err != nil {
		return nil, fmt.Errorf("page %d: %w", id, err)
	}
	return p, nil
}

// freelist checks that the freelist page holds the ids it counts.
func (w *walker) freelist() error {
	p, err := w.page(w.m.freelist)
	if err != nil {
		return fmt.Errorf("freelist: %w", err)
	}
	for i := range uint64(len(p)) / w.m.pageSize {
		w.seen[w.m.freelist+i] = true
	}
	if binary.LittleEndian.Uint16(p[8:])&flagFreelist == 0 {
		return fmt.Errorf("freelist: page %d is not a freelist page", w.m.freelist)
	}
	n, start := uint64(binary.LittleEndian.Uint16(p[10:])), uint64(pageHeaderSize)
	if n == 0xFFFF { // the count overflowed into the first element
		n, start = binary.LittleEndian.Uint64(p[pageHeaderSize:]), pageHeaderSize+8
	}
	if n > (uint64(len(p))-start)/8 {
		return fmt.Errorf("freelist: page %d counts %d ids, more than it holds", w.m.freelist, n)
	}
	return nil
}

// tree checks a bucket's tree rooted at page id.
func (w *walker) tree(id uint64) error {
	p, err := w.page(id)
	if err != nil {
		return err
	}
	// A page reached twice would send bbolt's check round a cycle.
	for i := range uint64(len(p)) / w.m.pageSize {
		if w.seen[id+i] {
			return fmt.Errorf("page %d: referenced twice", id+i)
		}
		w.seen[id+i] = true
	}
	return w.node(id, p)
}

// node checks the elements of page p (a page read from the file, or an
// inline bucket's page inside a value) and descends into its children.
func (w *walker) node(id uint64, p []byte) error {
	le := binary.LittleEndian
	if len(p) < pageHeaderSize {
		return fmt.Errorf("page %d: inline bucket shorter than a page header", id)
	}
	flags, count := le.Uint16(p[8:]), uint64(le.Uint16(p[10:]))
	if flags != flagBranch && flags != flagLeaf {
		return fmt.Errorf("page %d: neither a branch nor a leaf page (flags %#x)", id, flags)
	}
	if pageHeaderSize+count*elementSize > uint64(len(p)) {
		return fmt.Errorf("page %d: %d elements do not fit in the page", id, count)
	}
	for i := range count {
		off := pageHeaderSize + i*elementSize
		e := p[off : off+elementSize]
		if flags == flagBranch {
			pos, ksize := uint64(le.Uint32(e)), uint64(le.Uint32(e[4:]))
			if off+pos+ksize > uint64(len(p)) {
				return fmt.Errorf("page %d: element %d runs past the page", id, i)
			}
			if err := w.tree(le.Uint64(e[8:])); err != nil {
				return err
			}
			continue
		}
		eflags, pos, ksize, vsize := le.Uint32(e), uint64(le.Uint32(e[4:])), uint64(le.Uint32(e[8:])), uint64(le.Uint32(e[12:]))
		end := off + pos + ksize + vsize
		if end > uint64(len(p)) {
			return fmt.Errorf("page %d: element %d runs past the page", id, i)
		}
		if eflags&flagBucket == 0 {
			continue
		}
		v := p[end-vsize : end]
		if len(v) < 16 {
			return fmt.Errorf("page %d: element %d: bucket header too short", id, i)
		}
		if root := le.Uint64(v); root != 0 {
			if err := w.tree(root); err != nil {
				return err
			}
		} else if err := w.node(id, v[16:]); err != nil {
			return err
		}
	}
	return nil
}
