//! Filter expressions for the differential tests: written by hand for every primitive (valid
//! and invalid ones), generated from the addresses and ports a capture holds, and random
//! combinations of both.

use super::captures::Capture;
use super::pcap::Packet;
use super::rng::Rng;
use ptstat_filter::LinkType;
use std::collections::BTreeSet;

/// Expressions written for each primitive, including many that tcpdump refuses.
pub const HAND_WRITTEN: &[&str] = &[
    // Protocols.
    "",
    "ip",
    "ip6",
    "arp",
    "rarp",
    "tcp",
    "udp",
    "icmp",
    "icmp6",
    "sctp",
    "igmp",
    "pim",
    "ah",
    "esp",
    "vrrp",
    "carp",
    "igrp",
    "ether",
    "link",
    "ip proto 6",
    "ip proto \\tcp",
    "ip proto \\udp",
    "ip proto \\icmp",
    "ip proto 0",
    "ip proto 256",
    "ip proto 47",
    "ip proto \\gre",
    "ip6 proto 17",
    "ip6 proto \\ipv6-icmp",
    "ip6 proto 44",
    "ip6 proto 0",
    "ip6 proto 59",
    "proto 6",
    "proto \\udp",
    "proto 132",
    "ip proto tcp",
    "ip proto \\foo",
    "proto \\nosuch",
    "ip proto \\6",
    "ether proto \\ip",
    "ether proto \\ip6",
    "ether proto \\arp",
    "ether proto \\rarp",
    "ether proto \\loopback",
    "ether proto \\decnet",
    "ether proto 0x800",
    "ether proto 0x8100",
    "ether proto 0x8847",
    "ether proto 0x88cc",
    "ether proto 0x809b",
    "ether proto 0x80f3",
    "ether proto 0x8137",
    "ether proto 0xe0",
    "ether proto 0x42",
    "ether proto 6",
    "ether proto 0xf0",
    "ether proto 0xfe",
    "ether proto 100",
    "ether proto 1500",
    "ether proto 1501",
    "ether proto 70000",
    "ether proto 0x86dd",
    "ether proto 0x8035",
    "ether proto ip",
    "ether proto \\vlan",
    "link proto 0x806",
    "tcp proto 5",
    // IPv4 hosts and networks.
    "host 192.168.1.10",
    "src host 10.0.0.1",
    "dst host 10.0.0.1",
    "src or dst host 172.16.5.4",
    "src and dst host 0.0.0.0",
    "dst or src host 10.0.0.1",
    "dst and src host 192.168.1.10",
    "ip host 192.168.1.10",
    "arp host 192.168.1.10",
    "rarp host 10.0.0.1",
    "arp src host 10.0.0.1",
    "rarp dst host 192.168.1.10",
    "host 192.168.1.10 or 10.0.0.1",
    "host 192.168.1.10 and not 10.0.0.1",
    "host 192.168.1.10 and (10.0.0.1 or 172.16.5.4)",
    "host 192.168",
    "host 10",
    "host 0xc0a8010a",
    "host 010.0.0.1",
    "host 192.168.001.010",
    "host 255.255.255.255",
    "host 1.2.3.256",
    "host 0x1.2",
    "host foo",
    "host 1:2:3:4:5:6",
    "tcp host 10.0.0.1",
    "ip6 host 10.0.0.1",
    "ip host ::1",
    "ether host 10.0.0.1",
    "host 192.168.1.10/32",
    "udp host 10.0.0.1",
    "icmp host 10.0.0.1",
    "net 192.168.1.0/24",
    "net 10.0.0.0/8",
    "src net 10.0.0.0/8",
    "dst net 172.16.0.0/12",
    "net 192.168.1.0 mask 255.255.255.0",
    "net 10.0.0.0 mask 255.0",
    "net 10",
    "net 192.168",
    "net 172.16.5",
    "net 0.0.0.0/0",
    "net 128.0.0.0/1",
    "net 192.168.1.10/24",
    "net 1.2.3.0/33",
    "net 10/8",
    "ip net 10.0.0.0/8",
    "arp net 192.168.1.0/24",
    "net 0",
    "net 0xac10",
    "net 10.0/16",
    "net 10.0.0.0 mask 0.255.0.0",
    "src 192.168.1.0/24",
    "net foo",
    "src and dst net 10.0.0.0/8",
    "net 224.0.0.0/4",
    "dst net 224.0.0.0/4",
    // IPv6 hosts and networks.
    "host 2001:db8::1",
    "ip6 host 2001:db8::1",
    "src host 2001:db8::1",
    "dst host ff02::1",
    "host ::1",
    "host ::ffff:192.168.1.10",
    "host ::",
    "host 1:2:3:4:5:6:7:8",
    "net 2001:db8::/32",
    "net 2001:db8:0:1::/64",
    "net fe80::/10",
    "net ff00::/8",
    "ip6 net ::/0",
    "src net 2001:db8::/48",
    "ip6 host ::1/128",
    "dst net ff02::1/128",
    "net 2001:db8::1/32",
    "net fe80::/129",
    "host 1::2::3",
    "host fe80::1%eth0",
    "host 1:2:3:4:5:6:7:8:9",
    "host 12345::1",
    "host fe80::/64",
    "ip6 net ::1 mask ::1",
    "src and dst host ::1",
    // Link layer.
    "ether host 00:11:22:33:44:55",
    "ether src 00:11:22:33:44:55",
    "ether dst 02:00:5e:10:20:30",
    "ether src and dst 00:11:22:33:44:55",
    "ether host 0:11:22:33:44:55",
    "ether host 00-11-22-33-44-55",
    "ether host 0011.2233.4455",
    "ether host 001122334455",
    "ether host 00.11.22.33.44.55",
    "ether src host 00:11:22:33:44:55",
    "ether dst ff:ff:ff:ff:ff:ff",
    "ether dst 33:33:00:00:00:01",
    "ether src or dst host 02:00:5e:10:20:30",
    "ether host 1:2:3:4:5",
    "ether net 00:11:22:33:44:55",
    "ether host foo",
    "ether host 1:2:3:4:5:123",
    "ether host 1:2-3.4:5:6",
    "ether host 1:2:3:4:5:6:7",
    "ether broadcast",
    "broadcast",
    "ether multicast",
    "multicast",
    "ip broadcast",
    "ip multicast",
    "ip6 multicast",
    "ip6 broadcast",
    "tcp multicast",
    "arp broadcast",
    "ether[0] & 1 != 0 and not broadcast",
    // Ports.
    "port 80",
    "port 53",
    "src port 80",
    "dst port 443",
    "tcp port 80",
    "udp port 53",
    "sctp port 80",
    "tcp src port 80",
    "udp dst port 53",
    "src or dst port 22",
    "src and dst port 53",
    "src and dst port 123",
    "port 0",
    "port 65535",
    "port 65536",
    "port http",
    "port https",
    "port domain",
    "port ssh",
    "port ntp",
    "tcp port ntp",
    "udp port ssh",
    "sctp port ssh",
    "tcp port domain",
    "port www",
    "port bootps",
    "port 80 or 443",
    "tcp port 80 or 443 or 22",
    "port 80 and 8080",
    "port bogus",
    "ip port 80",
    "ip6 port 80",
    "ether port 80",
    "port \\80",
    "port 1.2",
    "port 80 or udp",
    "portrange 1-1024",
    "portrange 50000-60000",
    "tcp portrange 20-23",
    "udp dst portrange 50-60",
    "src portrange 1024-65535",
    "portrange 80",
    "portrange 443-80",
    "portrange http-https",
    "portrange ssh-telnet",
    "portrange domain-ntp",
    "portrange 0-0",
    "portrange 1-70000",
    "portrange foo-bar",
    "port 80-81",
    "ip portrange 1-2",
    "tcp portrange 1-80 or 5353",
    "sctp portrange 1-100",
    // Lengths.
    "less 60",
    "less 100",
    "greater 100",
    "greater 60",
    "len = 60",
    "len > 70",
    "len >= 60 and len <= 100",
    "len != 60",
    "len < 61",
    "len - 14 > 40",
    "len & 1 = 1",
    "len / 2 = 30",
    "less 0x40",
    "less len",
    "greater 60 or less 50",
    "len",
    // Packet data.
    "ip[0] = 0x45",
    "ip[0] & 0xf > 5",
    "ip[0] & 0xf != 5",
    "ip[6:2] & 0x1fff = 0",
    "ip[6:2] & 0x1fff != 0",
    "ip[9] = 6",
    "ip[12:4] = 0xc0a8010a",
    "ip[16] >= 224",
    "ip[2:2] > 40",
    "ip[1] != 0",
    "tcp[13] = 2",
    "tcp[tcpflags] & tcp-syn != 0",
    "tcp[tcpflags] & (tcp-syn|tcp-ack) = (tcp-syn|tcp-ack)",
    "tcp[tcpflags] & tcp-fin != 0",
    "tcp[tcpflags] & tcp-rst != 0",
    "tcp[tcpflags] & tcp-push != 0",
    "tcp[tcpflags] & tcp-ack != 0",
    "tcp[tcpflags] & tcp-urg != 0",
    "tcp[tcpflags] & tcp-ece != 0",
    "tcp[tcpflags] & tcp-cwr != 0",
    "tcp[tcpflags] = 0",
    "tcp[tcpflags] = 0xff",
    "tcp[0:2] = 80",
    "tcp[2:2] = 443",
    "tcp[12] >> 4 = 5",
    "tcp[4:4] = 1000",
    "udp[0:2] = 53",
    "udp[2:2] = 53",
    "udp[4:2] > 10",
    "sctp[0:2] = 80",
    "sctp[12] = 0",
    "icmp[icmptype] = icmp-echo",
    "icmp[icmptype] = icmp-echoreply",
    "icmp[icmptype] != icmp-echo and icmp[icmptype] != icmp-echoreply",
    "icmp[icmptype] = icmp-unreach",
    "icmp[icmpcode] = 3",
    "icmp[icmptype] = icmp-sourcequench",
    "icmp[icmptype] = icmp-redirect",
    "icmp[icmptype] = icmp-routeradvert",
    "icmp[icmptype] = icmp-routersolicit",
    "icmp[icmptype] = icmp-timxceed",
    "icmp[icmptype] = icmp-paramprob",
    "icmp[icmptype] = icmp-tstamp",
    "icmp[icmptype] = icmp-tstampreply",
    "icmp[icmptype] = icmp-ireq",
    "icmp[icmptype] = icmp-ireqreply",
    "icmp[icmptype] = icmp-maskreq",
    "icmp[icmptype] = icmp-maskreply",
    "icmp6[icmp6type] = icmp6-echo",
    "icmp6[icmp6type] = icmp6-echoreply",
    "icmp6[icmp6type] = icmp6-destinationunreach",
    "icmp6[icmp6type] = icmp6-packettoobig",
    "icmp6[icmp6type] = icmp6-timeexceeded",
    "icmp6[icmp6type] = icmp6-parameterproblem",
    "icmp6[icmp6type] = icmp6-multicastlistenerquery",
    "icmp6[icmp6type] = icmp6-multicastlistenerreportv1",
    "icmp6[icmp6type] = icmp6-multicastlistenerdone",
    "icmp6[icmp6type] = icmp6-routersolicit",
    "icmp6[icmp6type] = icmp6-routeradvert",
    "icmp6[icmp6type] = icmp6-neighborsolicit",
    "icmp6[icmp6type] = icmp6-neighboradvert",
    "icmp6[icmp6type] = icmp6-redirect",
    "icmp6[icmp6type] = icmp6-routerrenum",
    "icmp6[icmp6type] = icmp6-nodeinformationquery",
    "icmp6[icmp6type] = icmp6-nodeinformationresponse",
    "icmp6[icmp6type] = icmp6-ineighbordiscoverysolicit",
    "icmp6[icmp6type] = icmp6-ineighbordiscoveryadvert",
    "icmp6[icmp6type] = icmp6-multicastlistenerreportv2",
    "icmp6[icmp6type] = icmp6-homeagentdiscoveryrequest",
    "icmp6[icmp6type] = icmp6-homeagentdiscoveryreply",
    "icmp6[icmp6type] = icmp6-mobileprefixsolicit",
    "icmp6[icmp6type] = icmp6-mobileprefixadvert",
    "icmp6[icmp6type] = icmp6-certpathsolicit",
    "icmp6[icmp6type] = icmp6-certpathadvert",
    "icmp6[icmp6type] = icmp6-multicastrouteradvert",
    "icmp6[icmp6type] = icmp6-multicastroutersolicit",
    "icmp6[icmp6type] = icmp6-multicastrouterterm",
    "icmp6[icmp6code] = 0",
    "icmp6[0] = 135",
    "igmp[0] = 0x11",
    "arp[6:2] = 1",
    "arp[7] = 2",
    "rarp[7] = 4",
    "ether[0] & 1 != 0",
    "ether[0] = 0xff",
    "ether[12:2] = 0x800",
    "ether[6:4] = 0x00112233",
    "link[0] = 0",
    "ip6[6] = 58",
    "ip6[0] >> 4 = 6",
    "ip6[24] = 0xff",
    "ip6[40] = 0",
    "pim[0] = 0",
    "vrrp[0] = 0x21",
    "igrp[0] = 0",
    "carp[0] = 0x21",
    "ah[0] = 1",
    "esp[0] = 1",
    "tcp[ip[0] & 0xf] = 0",
    "tcp[arp[0]] = 0",
    "ip[0] + arp[0] = 0x45",
    "arp[0] + ip[0] = 1",
    "1 + ip[0] = 0x46",
    "ip[0] - ip[0] = 0",
    "ip[ip[0] & 0xf] = 0",
    "ether[ip[9]] = 0",
    "ip[1] / ip[0] = 0",
    "ip[0] / ip[1] = 0",
    "ip[0] % ip[1] = 0",
    "ip[0] / 0 = 1",
    "ip[0] % 0 = 1",
    "ip[0] << 33 = 1",
    "ip[0] << ip[1] = 0",
    "ip[0] >> ip[1] = 0",
    "ip[0] << ip[40] = 0",
    "ip[0] << (0+40) = 0",
    "ip[0] / (0+5) = 1",
    "ip[0] / (5+0) = 9",
    "ip[0] * 2 + 1 = 0x8b",
    "(ip[0] & 0xf) * 4 = 20",
    "ip[0] | 1 = 0x45",
    "ip[0] ^ 0x45 = 0",
    "-ip[0] = 0xffffffbb",
    "ip[0] = -1",
    "0 - ip[0] = 0xffffffbb",
    "ip[0:4] = 0x45000030",
    "ip[0:3] = 1",
    "ip[0:0] = 1",
    "ip[] = 1",
    "ip[0] =! 1",
    "1 = 1",
    "1 = 2",
    "-1 = 1",
    "0xffffffff + 2 = 1",
    "len + 1 = 61",
    "ip[4294967295] = 0",
    "ether[4294967295:4] = 0",
    "ether[4294967290] = 0",
    "ip[0] = 4294967296",
    "ip[0] = 08",
    "ip[0] = 010",
    "ip[0] = 0X45",
    "ip[0:1:1] = 1",
    "tcp[0] = udp[0]",
    "ip[0] > ip[1]",
    "ip[0] < ip[1]",
    "ip[0] <= 0x45",
    "ip[0] >= 0x46",
    "ip[0] == 0x45",
    "icmp-echo = 8",
    "tcpflags = 13",
    "ip[2:2] - ((ip[0]&0xf)<<2) - ((tcp[12]&0xf0)>>2) != 0",
    "tcp port 80 and (((ip[2:2] - ((ip[0]&0xf)<<2)) - ((tcp[12]&0xf0)>>2)) != 0)",
    "ether[0] & 1 = 0 and ip[16] >= 224",
    "udp[8:4] = 0x64617461",
    "ip[1:2] = 0",
    "ip[len - 60] = 0",
    "ether[len - 1] = 0",
    "tcp[len & 0] = 0",
    // VLAN and MPLS.
    "vlan",
    "vlan 10",
    "vlan 100",
    "vlan 4095",
    "vlan 0",
    "vlan 4096",
    "vlan and vlan",
    "vlan 100 and vlan 200",
    "vlan 10 or vlan 20",
    "vlan and ip",
    "vlan and tcp port 80",
    "vlan 10 and ip6",
    "vlan and arp",
    "not vlan and ip",
    "vlan and host 192.168.1.10",
    "vlan and ether host 00:11:22:33:44:55",
    "vlan and ether proto 0x800",
    "vlan and ip[9] = 6",
    "vlan and vlan 200 and ip",
    "vlan and vlan and ip6",
    "ip or vlan and ip",
    "vlan and mpls",
    "vlan 10 and mpls 16",
    "vlan (10)",
    "vlan and udp",
    "vlan 300 and vlan 10 and ip6 and udp port 123",
    "vlan and ether[12:2] = 0x8100",
    "mpls",
    "mpls 16",
    "mpls 1048575",
    "mpls 1048576",
    "mpls and ip",
    "mpls and ip6",
    "mpls 100 and mpls 200",
    "mpls and mpls and ip",
    "mpls and mpls 3 and mpls 5 and ip6",
    "mpls and tcp",
    "mpls and tcp port 80",
    "mpls and udp",
    "mpls and host 192.168.1.10",
    "mpls and net 10.0.0.0/8",
    "mpls and ip6 host 2001:db8::2",
    "mpls and arp",
    "mpls and vlan",
    "mpls and ether proto 0x806",
    "mpls and ip[0] = 0x45",
    "mpls and ether[0] = 2",
    "mpls and icmp",
    "mpls (16)",
    "mpls 7 and ip",
    "mpls and ether proto 0x800",
    "mpls and ip6 proto 17",
    "mpls and port 123",
    // Direction, which files do not record.
    "inbound",
    "outbound",
    "not inbound",
    "tcp and outbound",
    // Grammar.
    "tcp and",
    "(tcp",
    "tcp)",
    "()",
    "and",
    "not",
    "!",
    "! tcp",
    "not not tcp",
    "!!tcp",
    "tcp && udp",
    "tcp || udp",
    "tcp or",
    "1.2.3.4",
    "80",
    "not 1.2.3.4",
    "ip and 5",
    "ip or not 1.2.3.4",
    "host",
    "port",
    "src",
    "src or dst",
    "src host",
    "proto",
    "host 10.0.0.1 10.0.0.2",
    "tcp udp",
    "(host 192.168.1.10)",
    "(tcp or udp) and port 53",
    "((tcp))",
    "(1) = 1",
    "((1)) = 1",
    "(ip[0]) = 0x45",
    "(ip[0] + 1) = 0x46",
    "ip[(1)] = 0",
    "host (192.168.1.10)",
    "host (192.168.1.10 or 10.0.0.1)",
    "port (80)",
    "port (80 or 53)",
    "port (not 80)",
    "host not 10.0.0.1",
    "src 192.168.1.10",
    "dst 10.0.0.1",
    "src or dst 10.0.0.1",
    "src || dst host 10.0.0.1",
    "src && dst port 53",
    "(host 192.168.1.10) or 10.0.0.1",
    "tcp port 80 or udp",
    "not host 192.168.1.10 and 10.0.0.1",
    "host 192.168.1.10 and not 10.0.0.1 or 172.16.5.4",
    "ip and not tcp and not udp",
    "tcp[13] & 2 != 0 and ip[0] = 0x45",
    "1 = 1 = 1",
    "1 | 2 ^ 3 = 1",
    "6 ^ 3 & 1 = 7",
    "1 ^ 1 << 1 = 3",
    "1 + 1 << 1 = 4",
    "10 - 2 - 3 = 5",
    "2 * -3 = 0xfffffffa",
    "ip[0] & 0xf0 | 5 = 0x45",
    "less (10)",
    "ether = 1",
    "tcp[0]",
    "tcp[0] = ",
    "len[0] = 1",
    "host 12ab",
    "host a-",
    "host a_b.c",
    "tcp and (udp or",
    "ip and ip6 or arp",
    "not (tcp or udp)",
    "not tcp or udp",
    "tcp or udp and icmp",
    "src port 80 or dst port 53 and udp",
    "ip and (port 80 or (host 10.0.0.1 and icmp))",
    "port 53 and (udp or tcp) and not host 10.0.0.1",
    "(port 80) or 53",
    "host 192.168.1.10 or (10.0.0.1)",
    "icmp or icmp6 or igmp or arp",
    "dst host 10.0.0.1 or src 192.168.1.10 and port 80",
    "port 80 or 443 and tcp",
    "ip proto 6 and 17",
    "ether proto 0x800 or 0x806",
    "ip6 proto 6 or 17",
    "# comment",
    "ip $",
    "ip @ tcp",
    "tcp port 80 ; udp",
    // Protocol chains (IPv6 extension headers and AH), which libpcap walks in a loop.
    "protochain 6",
    "protochain 17",
    "protochain 58",
    "protochain 51",
    "protochain 59",
    "protochain 256",
    "ip protochain 6",
    "ip protochain 17",
    "ip protochain 51",
    "ip6 protochain 6",
    "ip6 protochain 17",
    "ip6 protochain 0",
    "ip6 protochain 43",
    "ip6 protochain 44",
    "ip6 protochain 60",
    "ip6 protochain 132",
    "ip6 protochain \\ipv6-icmp",
    "protochain \\tcp",
    "protochain \\udp or \\tcp",
    "protochain 6 or 17",
    "protochain (6 or 58)",
    "protochain 6 and not 17",
    "protochain tcp",
    "protochain \\nosuch",
    "tcp protochain 6",
    "ether protochain 6",
    "src protochain 6",
    "protochain 1.2.3.4",
    "protochain 6 and tcp port 80",
    "not ip6 protochain 17 and ip6",
    "ip6 protochain 6 and ip6 protochain 17",
    "ip6 protochain 17 or ip6 protochain 58 or ip protochain 6",
    "vlan and ip6 protochain 17",
    "mpls and protochain 6",
    "protochain 6 and 1 = 2",
    "1 = 2 and protochain 6",
    "protochain 6 and ip[0] << (0 + 40) = 1",
    "protochain 6 and ip[0] << 40 = 1",
    "arp and protochain 6",
    // PPPoE discovery and sessions, and what lies inside a session.
    "pppoed",
    "pppoes",
    "pppoes 1",
    "pppoes 5",
    "pppoes 65535",
    "pppoes 65536",
    "pppoes (3)",
    "pppoed 3",
    "pppoes and ip",
    "pppoes and ip6",
    "pppoes 5 and udp port 53",
    "pppoes and tcp",
    "pppoes and tcp port 443",
    "pppoes and host 192.168.1.10",
    "pppoes and arp",
    "pppoes and ether proto 0x800",
    "pppoes and ether proto 0x21",
    "pppoes and ether proto 0xc021",
    "pppoes and ether proto 0x6003",
    "pppoes and ether proto 0xfe",
    "pppoes and ether proto \\ip6",
    "pppoes and mpls",
    "pppoes and mpls 16 and ip",
    "pppoes and pppoes 2",
    "pppoes and pppoes and ip",
    "pppoes and pppoed",
    "pppoes and vlan",
    "vlan and pppoes",
    "vlan 10 and pppoes 3 and ip",
    "vlan and pppoed",
    "pppoes and ether host 00:11:22:33:44:55",
    "pppoes and ether broadcast",
    "pppoes and ether multicast",
    "pppoes and ether[0] = 0",
    "pppoes and ether[0:2] = 0x21",
    "pppoes and ip[9] = 6",
    "pppoes and tcp[13] = 2",
    "pppoes and icmp6",
    "pppoes and ip6 multicast",
    "pppoes and ip broadcast",
    "not pppoes and ip",
    "pppoes or ip",
    "mpls and pppoes",
    "pppoes and inbound",
    "pppoes and less 60",
    "pppoes and ip6 protochain 17",
    "pppoes 5 and protochain 17",
    // Geneve, and what lies inside it. Primitives after `geneve` read offsets that only a
    // Geneve packet sets (libpcap's scratch memory is otherwise uninitialized), so nothing
    // here reaches them for other packets: no `geneve or ...`, no `not geneve and ...`.
    "geneve",
    "geneve 10",
    "geneve 20",
    "geneve 0",
    "geneve 16777215",
    "geneve 16777216",
    "geneve (10)",
    "not geneve",
    "udp and geneve",
    "ip6 and geneve",
    "geneve and ip",
    "geneve and ip6",
    "geneve and arp",
    "geneve and tcp",
    "geneve and udp",
    "geneve and icmp",
    "geneve and tcp port 80",
    "geneve and port 80",
    "geneve and udp port 53",
    "udp and geneve and port 80",
    "geneve 10 and host 10.1.1.1",
    "geneve 20 and dst host 10.1.1.1",
    "geneve and net 10.1.1.0/24",
    "geneve and host 2001:db8::a",
    "geneve and ip6 net 2001:db8::/64",
    "geneve and vlan",
    "geneve and vlan 10",
    "geneve and vlan and udp port 53",
    "vlan and geneve",
    "vlan 30 and geneve and tcp",
    "geneve and mpls",
    "geneve and mpls 16 and ip",
    "geneve and ether host 00:11:22:33:44:55",
    "geneve and ether src 02:00:5e:10:20:30",
    "geneve and ether broadcast",
    "geneve and ether multicast",
    "geneve and broadcast",
    "geneve and ip broadcast",
    "geneve and ip6 multicast",
    "geneve and ether proto 0x800",
    "geneve and ether proto 0x6558",
    "geneve and ether proto 0x806",
    "geneve and ether proto 0x8847",
    "geneve and ether proto 100",
    "geneve and ether[0] = 2",
    "geneve and ether[12:2] = 0x800",
    "geneve and ip[9] = 6",
    "geneve and ip[0] & 0xf = 5",
    "geneve and ip[ip[0] & 0xf] = 0",
    "geneve and ether[ip[9]] = 0",
    "geneve and tcp[13] = 2",
    "geneve and tcp[tcpflags] & tcp-syn != 0",
    "geneve and udp[0:2] = 80",
    "geneve and udp[ip[0] & 3] = 0",
    "geneve and icmp[icmptype] = icmp-echo",
    "geneve and icmp6[0] = 1",
    "geneve and ip6[6] = 6",
    "geneve and ip[1] / ip[0] = 0",
    "geneve and len > 100",
    "geneve and geneve",
    "geneve 10 and geneve 20 and tcp",
    "geneve and geneve and ether host 00:11:22:33:44:55",
    "geneve and protochain 6",
    "geneve and pppoes",
    "geneve and pppoed",
    "pppoes and geneve",
    "mpls and geneve",
    "mpls and geneve and ip",
    "pppoes and geneve and tcp",
    "geneve and pppoes and ip",
    "geneve and vlan and ether host 00:11:22:33:44:55",
    "geneve and 1 = 2",
    "geneve and inbound",
    "geneve and geneve and geneve and geneve and geneve",
    "geneve and geneve and geneve and geneve and geneve and geneve",
    "geneve and geneve and geneve and geneve and geneve and ip[ip[0] + ip[1]] = 0",
    "geneve and geneve and geneve and geneve and ip[0] + (ip[1] + ip[2]) = 0",
    "geneve and geneve and geneve and geneve and ip[0] + (ip[1] + (ip[2] + ip[3])) = 0",
    "geneve and geneve and geneve and geneve and geneve and 1 = 1",
    "protochain 6 and geneve and geneve and geneve and geneve and geneve",
    "protochain 6 and protochain 17 and geneve and geneve and geneve and geneve and geneve",
    "ip protochain 6 and ip6 protochain 17 and geneve and geneve and geneve and geneve and geneve",
    "protochain 6 and geneve and geneve and geneve and geneve and ip[0] + (ip[1] + ip[2]) = 0",
    "not (geneve and tcp)",
    "tcp or (geneve and udp)",
    "not udp or (geneve and icmp)",
];

/// Addresses, ports and tags found in a capture's well-formed packets.
#[derive(Default)]
struct Facts {
    macs: BTreeSet<[u8; 6]>,
    ipv4: BTreeSet<[u8; 4]>,
    ipv6: BTreeSet<[u8; 16]>,
    ports: BTreeSet<u16>,
    vlans: BTreeSet<u16>,
    labels: BTreeSet<u32>,
    ether_types: BTreeSet<u16>,
    ip_protocols: BTreeSet<u8>,
    pppoe_sessions: BTreeSet<u16>,
}

fn be16(data: &[u8], offset: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(offset..offset + 2)?.try_into().ok()?))
}

impl Facts {
    fn collect(capture: &Capture) -> Facts {
        let mut facts = Facts::default();
        for Packet { data, .. } in &capture.packets {
            match capture.link {
                LinkType::Ethernet => facts.ethernet(data),
                LinkType::RawIp => facts.ip(data),
            }
        }
        facts
    }

    fn ethernet(&mut self, data: &[u8]) {
        for offset in [0, 6] {
            if let Some(mac) = data.get(offset..offset + 6) {
                self.macs.insert(mac.try_into().expect("six bytes"));
            }
        }
        let mut offset = 12;
        while let Some(ether_type) = be16(data, offset) {
            self.ether_types.insert(ether_type);
            match ether_type {
                0x8100 | 0x88a8 | 0x9100 => {
                    if let Some(tci) = be16(data, offset + 2) {
                        self.vlans.insert(tci & 0xfff);
                    }
                    offset += 4;
                }
                0x8847 => {
                    let mut entry_offset = offset + 2;
                    while let Some(entry) = data.get(entry_offset..entry_offset + 4) {
                        let entry = u32::from_be_bytes(entry.try_into().expect("four bytes"));
                        self.labels.insert(entry >> 12);
                        entry_offset += 4;
                        if entry & 0x100 != 0 {
                            break;
                        }
                    }
                    self.ip(data.get(entry_offset..).unwrap_or_default());
                    return;
                }
                0x0800 | 0x86dd => {
                    self.ip(&data[offset + 2..]);
                    return;
                }
                0x8864 => {
                    if let Some(session) = be16(data, offset + 4) {
                        self.pppoe_sessions.insert(session);
                    }
                    if let Some(0x0021 | 0x0057) = be16(data, offset + 8) {
                        self.ip(data.get(offset + 10..).unwrap_or_default());
                    }
                    return;
                }
                _ => return,
            }
        }
    }

    fn ip(&mut self, data: &[u8]) {
        let Some(first) = data.first() else { return };
        let (protocol, transport) = match first >> 4 {
            4 if data.len() >= 20 => {
                self.ipv4.insert(data[12..16].try_into().expect("four bytes"));
                self.ipv4.insert(data[16..20].try_into().expect("four bytes"));
                let first_fragment = be16(data, 6).is_some_and(|field| field & 0x1fff == 0);
                let header_len = usize::from(first & 0xf) * 4;
                (data[9], first_fragment.then_some(header_len))
            }
            6 if data.len() >= 40 => {
                self.ipv6.insert(data[8..24].try_into().expect("sixteen bytes"));
                self.ipv6.insert(data[24..40].try_into().expect("sixteen bytes"));
                (data[6], Some(40))
            }
            _ => return,
        };
        self.ip_protocols.insert(protocol);
        if let (6 | 17 | 132, Some(start)) = (protocol, transport) {
            for offset in [start, start + 2] {
                if let Some(port) = be16(data, offset) {
                    self.ports.insert(port);
                }
            }
        }
    }
}

fn mac_text(mac: &[u8; 6]) -> String {
    mac.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":")
}

/// Expressions about the addresses, ports and tags of `capture`'s own packets.
pub fn generated(capture: &Capture) -> Vec<String> {
    let facts = Facts::collect(capture);
    let mut out = Vec::new();
    for ip in facts.ipv4.iter().take(6) {
        let [a, b, c, d] = *ip;
        out.push(format!("host {a}.{b}.{c}.{d}"));
        out.push(format!("src host {a}.{b}.{c}.{d}"));
        out.push(format!("dst host {a}.{b}.{c}.{d} and not arp"));
        out.push(format!("net {a}.{b}.{c}.0/24"));
        out.push(format!("dst net {a}.{b}.0.0/16 or icmp"));
        out.push(format!("ip[12:4] = 0x{:08x}", u32::from_be_bytes(*ip)));
        out.push(format!("net {a}.{b}.{c}.{d} mask 255.255.255.255"));
    }
    for ip in facts.ipv6.iter().take(6) {
        let address = std::net::Ipv6Addr::from(*ip);
        let prefix = std::net::Ipv6Addr::from(u128::from(address) & !((1u128 << 64) - 1));
        out.push(format!("host {address}"));
        out.push(format!("ip6 dst host {address}"));
        out.push(format!("src net {prefix}/64"));
        out.push(format!("not ip6 net {prefix}/64"));
    }
    for mac in facts.macs.iter().take(6) {
        let text = mac_text(mac);
        out.push(format!("ether host {text}"));
        out.push(format!("ether src {text}"));
        out.push(format!("ether dst {text} and ip"));
    }
    for port in facts.ports.iter().take(10) {
        out.push(format!("port {port}"));
        out.push(format!("tcp src port {port}"));
        out.push(format!("udp dst port {port}"));
        out.push(format!("sctp port {port}"));
        out.push(format!("portrange {port}-{}", port.saturating_add(100)));
        out.push(format!("not port {port} and ip6"));
    }
    for vlan in facts.vlans.iter().take(6) {
        out.push(format!("vlan {vlan}"));
        out.push(format!("vlan {vlan} and ip"));
        out.push(format!("vlan and vlan {vlan}"));
    }
    for label in facts.labels.iter().take(6) {
        out.push(format!("mpls {label}"));
        out.push(format!("mpls {label} and ip"));
        out.push(format!("mpls and mpls {label}"));
    }
    for ether_type in facts.ether_types.iter().take(12) {
        out.push(format!("ether proto 0x{ether_type:x}"));
    }
    // Long enough that jumps must go through `ja`.
    let ports: Vec<String> = (1..=60).map(|port| format!("port {port}")).collect();
    out.push(ports.join(" or "));
    out.push(format!("not ({}) and ip", ports.join(" or ")));
    let hosts: Vec<String> = facts.ipv4.iter().map(|[a, b, c, d]| format!("{a}.{b}.{c}.{d}")).collect();
    if !hosts.is_empty() {
        out.push(format!("host {}", hosts.join(" or ")));
        out.push(format!("tcp and not src host {}", hosts.join(" and not ")));
    }
    for protocol in facts.ip_protocols.iter().take(12) {
        out.push(format!("ip proto {protocol}"));
        out.push(format!("ip6 proto {protocol}"));
        out.push(format!("proto {protocol}"));
        out.push(format!("protochain {protocol}"));
        out.push(format!("ip6 protochain {protocol} and not ip6 proto {protocol}"));
    }
    for session in facts.pppoe_sessions.iter().take(6) {
        out.push(format!("pppoes {session}"));
        out.push(format!("pppoes {session} and ip6"));
        out.push(format!("not pppoes {session} and (ip or pppoes)"));
    }
    out
}

/// Random combinations of `atoms` with `and`, `or`, `not` and parentheses. Atoms with `geneve`
/// come only last: the primitives after it in the text read offsets only a Geneve packet sets,
/// which libpcap leaves uninitialized for other packets.
pub fn random_combinations(atoms: &[String], count: usize, rng: &mut Rng) -> Vec<String> {
    let without_geneve: Vec<String> = atoms.iter().filter(|atom| !atom.contains("geneve")).cloned().collect();
    (0..count).map(|_| combination(atoms, &without_geneve, rng, 0)).collect()
}

/// A combination of `last_atoms` for its last leaf, `other_atoms` for the others.
fn combination(last_atoms: &[String], other_atoms: &[String], rng: &mut Rng, depth: usize) -> String {
    let leaf = depth >= 3 || rng.chance(35);
    let mut text = if leaf {
        rng.pick(last_atoms).clone()
    } else {
        let left = combination(other_atoms, other_atoms, rng, depth + 1);
        let right = combination(last_atoms, other_atoms, rng, depth + 1);
        let operator = *rng.pick(&["and", "or", "&&", "||"]);
        format!("({left}) {operator} ({right})")
    };
    if rng.chance(20) {
        text = format!("not ({text})");
    }
    text
}
