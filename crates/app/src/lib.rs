//! The OMS use cases, generic over the ports in `oms-ports`.
