package proxy

// CachedLeaves returns the number of leaf certificates ca holds, for tests.
func (ca *CA) CachedLeaves() int {
	ca.mu.Lock()
	defer ca.mu.Unlock()
	return len(ca.leaves)
}

// Leaf is ca.leaf, for tests.
func (ca *CA) Leaf(host string) error {
	_, err := ca.leaf(host)
	return err
}
