# cython: language_level=3
"""Batched UDP sends with Linux ``sendmmsg(2)``: many datagrams, one system call (compiled)."""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_GET_SIZE
from libc.string cimport memset
from libc.errno cimport errno, EAGAIN, EINTR

from ipmifast.engine._socket cimport (
    AF_INET, AF_INET6, htons, inet_pton, iovec, mmsghdr, sendmmsg, sockaddr_in, sockaddr_in6,
)

cdef enum:
    MAX_BATCH = 64

__impl__ = "c"


def send_batch(int fd, list datagrams, list addresses):
    """Send ``datagrams[i]`` to ``addresses[i]`` (``(ip, port)``, numeric addresses only) in as few
    ``sendmmsg`` calls as possible. Returns how many were sent; stops early (without raising) when the socket
    buffer is full, so the caller can queue the rest. Other errors raise ``OSError``."""
    cdef Py_ssize_t n = len(datagrams)
    if len(addresses) != n:
        raise ValueError("one address per datagram")
    cdef mmsghdr msgs[MAX_BATCH]
    cdef iovec iovs[MAX_BATCH]
    cdef sockaddr_in6 names[MAX_BATCH]
    cdef Py_ssize_t done = 0, count, i
    cdef int sent
    cdef bytes data, host
    cdef object addr
    while done < n:
        count = min(n - done, MAX_BATCH)
        memset(msgs, 0, sizeof(msgs))
        memset(names, 0, sizeof(names))
        for i in range(count):
            data = datagrams[done + i]
            addr = addresses[done + i]
            host = (<str>addr[0]).encode("ascii")
            if b":" in host:
                names[i].sin6_family = AF_INET6
                names[i].sin6_port = htons(<unsigned short>addr[1])
                if inet_pton(AF_INET6, host, &names[i].sin6_addr) != 1:
                    raise ValueError(f"not a numeric IPv6 address: {addr[0]!r}")
                msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_in6)
            else:
                (<sockaddr_in*>&names[i]).sin_family = AF_INET
                (<sockaddr_in*>&names[i]).sin_port = htons(<unsigned short>addr[1])
                if inet_pton(AF_INET, host, &(<sockaddr_in*>&names[i]).sin_addr) != 1:
                    raise ValueError(f"not a numeric IPv4 address: {addr[0]!r}")
                msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_in)
            iovs[i].iov_base = PyBytes_AS_STRING(data)
            iovs[i].iov_len = PyBytes_GET_SIZE(data)
            msgs[i].msg_hdr.msg_name = &names[i]
            msgs[i].msg_hdr.msg_iov = &iovs[i]
            msgs[i].msg_hdr.msg_iovlen = 1
        while True:
            sent = sendmmsg(fd, msgs, <unsigned int>count, 0)
            if sent >= 0 or errno != EINTR:
                break
        if sent < 0:
            if errno == EAGAIN:  # EWOULDBLOCK is EAGAIN on Linux
                return done
            raise OSError(errno, "sendmmsg failed")
        done += sent
        if sent < count:
            return done
    return done
