"""Measurements that print numbers; nothing here asserts a speed."""
