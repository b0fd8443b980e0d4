# cython: language_level=3
"""The simulator socket's batched I/O (compiled): ``recvmmsg(2)`` and ``sendmmsg(2)`` with ``IP_PKTINFO``.

One system call receives up to ``MAX_BATCH`` datagrams, each with the local address it was sent to (which virtual
BMC), and one sends up to ``MAX_BATCH`` answers, each from the address it names. The receive buffers are module
state: the GIL is held throughout, so no two calls share them at once.
"""

from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.unicode cimport PyUnicode_DecodeASCII
from libc.errno cimport EAGAIN, EINTR, errno
from libc.string cimport memcpy, memset, strlen

from ipmifast.engine._socket cimport (
    AF_INET, CMSG_DATA, CMSG_FIRSTHDR, CMSG_LEN, CMSG_NXTHDR, CMSG_SPACE, IP_PKTINFO, IPPROTO_IP, MSG_CTRUNC,
    MSG_TRUNC, cmsghdr, htons, in_addr, in_pktinfo, inet_ntop, inet_pton, iovec, mmsghdr, ntohs, recvmmsg, sendmmsg,
    sockaddr_in, socklen_t,
)

cdef enum:
    MAX_BATCH = 64
    MAX_DATAGRAM = 2048
    CONTROL_SIZE = 64  # >= CMSG_SPACE(sizeof(struct in_pktinfo)) (32 on Linux), checked at import
    ADDR_TEXT = 16  # INET_ADDRSTRLEN

__impl__ = "c"

cdef char _data[MAX_BATCH][MAX_DATAGRAM]
cdef char _control[MAX_BATCH][CONTROL_SIZE]
cdef mmsghdr _msgs[MAX_BATCH]
cdef iovec _iovs[MAX_BATCH]
cdef sockaddr_in _names[MAX_BATCH]

if CMSG_SPACE(sizeof(in_pktinfo)) > CONTROL_SIZE:  # pragma: no cover - a platform this was not written for
    raise ImportError("struct in_pktinfo does not fit the control buffers")


cdef inline str _text(in_addr *addr):
    cdef char buf[ADDR_TEXT]
    inet_ntop(AF_INET, addr, buf, ADDR_TEXT)
    return PyUnicode_DecodeASCII(buf, strlen(buf), NULL)


def recv_batch(int fd, int max_count=MAX_BATCH):
    """Up to ``max_count`` (at most 64) waiting datagrams as ``(data, local address, (peer address, port))``;
    an empty list when none is waiting. Datagrams longer than 2048 bytes and any without ``IP_PKTINFO`` are
    dropped (IPMI LAN datagrams are far smaller)."""
    cdef int count = max_count if 0 < max_count <= MAX_BATCH else MAX_BATCH
    cdef int i, got = -1, tries
    cdef cmsghdr *cmsg
    cdef in_pktinfo *info
    cdef bint found
    cdef list out = []
    memset(_msgs, 0, sizeof(mmsghdr) * count)
    for i in range(count):
        _iovs[i].iov_base = _data[i]
        _iovs[i].iov_len = MAX_DATAGRAM
        _msgs[i].msg_hdr.msg_name = &_names[i]
        _msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_in)
        _msgs[i].msg_hdr.msg_iov = &_iovs[i]
        _msgs[i].msg_hdr.msg_iovlen = 1
        _msgs[i].msg_hdr.msg_control = _control[i]
        _msgs[i].msg_hdr.msg_controllen = CONTROL_SIZE
    for tries in range(8):  # an ICMP error queued on the socket is reported once, then reading goes on
        got = recvmmsg(fd, _msgs, <unsigned int>count, 0, NULL)
        if got >= 0 or errno == EAGAIN:
            break
    if got <= 0:
        return out
    for i in range(got):
        if _msgs[i].msg_hdr.msg_flags & (MSG_TRUNC | MSG_CTRUNC) or _names[i].sin_family != AF_INET:
            continue
        found = False
        cmsg = CMSG_FIRSTHDR(&_msgs[i].msg_hdr)
        while cmsg != NULL:
            if cmsg.cmsg_level == IPPROTO_IP and cmsg.cmsg_type == IP_PKTINFO and \
                    cmsg.cmsg_len >= CMSG_LEN(sizeof(in_pktinfo)):
                info = <in_pktinfo *>CMSG_DATA(cmsg)
                found = True
                break
            cmsg = CMSG_NXTHDR(&_msgs[i].msg_hdr, cmsg)
        if not found:
            continue
        out.append((
            PyBytes_FromStringAndSize(_data[i], _msgs[i].msg_len),
            _text(&info.ipi_addr),
            (_text(&_names[i].sin_addr), ntohs(_names[i].sin_port)),
        ))
    return out


def send_batch_from(int fd, list datagrams, list sources, list destinations):
    """Send ``datagrams[i]`` from local address ``sources[i]`` to ``destinations[i]`` (``(ip, port)``; numeric
    IPv4 only) in as few ``sendmmsg`` calls as possible. Returns ``(sent, failed)``: a full socket buffer stops the
    batch (the rest are not sent, as UDP may drop them; counted failed), a datagram the kernel refuses is skipped
    and counted failed."""
    cdef Py_ssize_t n = len(datagrams)
    if len(sources) != n or len(destinations) != n:
        raise ValueError("one source and one destination per datagram")
    cdef Py_ssize_t done = 0, failed = 0, count, i
    cdef int sent
    cdef bytes data, host, source
    cdef object dest
    cdef cmsghdr *cmsg
    cdef in_pktinfo info
    while done < n:
        count = min(n - done, MAX_BATCH)
        memset(_msgs, 0, sizeof(mmsghdr) * count)
        memset(_names, 0, sizeof(sockaddr_in) * count)
        memset(_control, 0, CONTROL_SIZE * count)
        for i in range(count):
            data = datagrams[done + i]
            dest = destinations[done + i]
            host = (<str>dest[0]).encode("ascii")
            source = (<str>sources[done + i]).encode("ascii")
            _names[i].sin_family = AF_INET
            _names[i].sin_port = htons(<unsigned short>dest[1])
            if inet_pton(AF_INET, host, &_names[i].sin_addr) != 1:
                raise ValueError(f"not a numeric IPv4 address: {dest[0]!r}")
            memset(&info, 0, sizeof(info))
            if inet_pton(AF_INET, source, &info.ipi_spec_dst) != 1:
                raise ValueError(f"not a numeric IPv4 address: {sources[done + i]!r}")
            _msgs[i].msg_hdr.msg_control = _control[i]
            _msgs[i].msg_hdr.msg_controllen = CMSG_SPACE(sizeof(in_pktinfo))
            cmsg = CMSG_FIRSTHDR(&_msgs[i].msg_hdr)
            cmsg.cmsg_level = IPPROTO_IP
            cmsg.cmsg_type = IP_PKTINFO
            cmsg.cmsg_len = CMSG_LEN(sizeof(in_pktinfo))
            memcpy(CMSG_DATA(cmsg), &info, sizeof(in_pktinfo))
            _iovs[i].iov_base = PyBytes_AS_STRING(data)
            _iovs[i].iov_len = PyBytes_GET_SIZE(data)
            _msgs[i].msg_hdr.msg_name = &_names[i]
            _msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_in)
            _msgs[i].msg_hdr.msg_iov = &_iovs[i]
            _msgs[i].msg_hdr.msg_iovlen = 1
        while True:
            sent = sendmmsg(fd, _msgs, <unsigned int>count, 0)
            if sent >= 0 or errno != EINTR:
                break
        if sent < 0:
            if errno == EAGAIN:  # EWOULDBLOCK is EAGAIN on Linux: the rest would be dropped
                return done, failed + (n - done)
            done += 1  # the first of the batch was refused (a bad source address...): skip it
            failed += 1
            continue
        done += sent
    return done - failed, failed
