package io.lunpool.scheduler.mesos.client;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.Protos.Volume;

/**
 * Converts resources and offers between the protobufs and the client's records, always in the 1.11 format:
 * reservations as a stack, never the legacy {@code role} or {@code reservation} fields.
 */
final class ResourceMapping {
    private ResourceMapping() {
    }

    static MesosOffer offer(Offer offer) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (Attribute a : offer.getAttributesList()) {
            attributes.put(a.getName(), attributeText(a));
        }
        return new MesosOffer(offer.getId().getValue(), offer.getAgentId().getValue(), offer.getHostname(),
                offer.hasAllocationInfo() && offer.getAllocationInfo().hasRole()
                        ? Optional.of(offer.getAllocationInfo().getRole()) : Optional.empty(),
                offer.getResourcesList().stream().map(ResourceMapping::resource).toList(), attributes);
    }

    /** Reads either format; a master only sends the old one to frameworks without RESERVATION_REFINEMENT. */
    @SuppressWarnings("deprecation")
    static MesosResource resource(Resource r) {
        MesosResource.Kind kind = switch (r.getType()) {
            case RANGES -> MesosResource.Kind.RANGES;
            case SET -> MesosResource.Kind.SET;
            default -> MesosResource.Kind.SCALAR;
        };
        List<ResourceReservation> stack = r.getReservationsList().stream().map(ResourceMapping::reservation).toList();
        if (stack.isEmpty() && r.hasReservation()) {
            stack = List.of(new ResourceReservation(ResourceReservation.Type.DYNAMIC, r.getRole(),
                    r.getReservation().hasPrincipal() ? Optional.of(r.getReservation().getPrincipal()) : Optional.empty(),
                    labels(r.getReservation().getLabels())));
        } else if (stack.isEmpty() && r.hasRole() && !r.getRole().equals("*")) {
            stack = List.of(new ResourceReservation(ResourceReservation.Type.STATIC, r.getRole(), Optional.empty(),
                    Map.of()));
        }
        return new MesosResource(r.getName(), kind, r.getScalar().getValue(),
                r.getRanges().getRangeList().stream()
                        .map(x -> new MesosResource.ValueRange(x.getBegin(), x.getEnd())).toList(),
                r.getSet().getItemList(),
                r.hasAllocationInfo() && r.getAllocationInfo().hasRole()
                        ? Optional.of(r.getAllocationInfo().getRole()) : Optional.empty(),
                stack, r.hasDisk() ? Optional.of(disk(r.getDisk())) : Optional.empty(), r.hasRevocable(), r.hasShared());
    }

    static Resource proto(MesosResource r) {
        Resource.Builder b = Resource.newBuilder().setName(r.name());
        switch (r.kind()) {
            case SCALAR -> b.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(r.scalar()));
            case RANGES -> b.setType(Value.Type.RANGES).setRanges(Value.Ranges.newBuilder().addAllRange(
                    r.ranges().stream().map(x -> Value.Range.newBuilder().setBegin(x.begin()).setEnd(x.end()).build())
                            .toList()));
            case SET -> b.setType(Value.Type.SET).setSet(Value.Set.newBuilder().addAllItem(r.set()));
        }
        r.allocationRole().ifPresent(role -> b.setAllocationInfo(Resource.AllocationInfo.newBuilder().setRole(role)));
        for (ResourceReservation res : r.reservations()) {
            b.addReservations(reservation(res));
        }
        r.disk().ifPresent(d -> b.setDisk(disk(d)));
        if (r.revocable()) {
            b.setRevocable(Resource.RevocableInfo.getDefaultInstance());
        }
        if (r.shared()) {
            b.setShared(Resource.SharedInfo.getDefaultInstance());
        }
        return b.build();
    }

    static Labels labels(Map<String, String> labels) {
        return Labels.newBuilder().addAllLabels(labels.entrySet().stream()
                .map(e -> Label.newBuilder().setKey(e.getKey()).setValue(e.getValue()).build()).toList()).build();
    }

    static Map<String, String> labels(Labels labels) {
        Map<String, String> out = new LinkedHashMap<>();
        labels.getLabelsList().forEach(l -> out.put(l.getKey(), l.getValue()));
        return out;
    }

    private static ResourceReservation reservation(Resource.ReservationInfo r) {
        return new ResourceReservation(
                r.getType() == Resource.ReservationInfo.Type.STATIC ? ResourceReservation.Type.STATIC
                        : ResourceReservation.Type.DYNAMIC,
                r.getRole(), r.hasPrincipal() ? Optional.of(r.getPrincipal()) : Optional.empty(), labels(r.getLabels()));
    }

    private static Resource.ReservationInfo reservation(ResourceReservation r) {
        Resource.ReservationInfo.Builder b = Resource.ReservationInfo.newBuilder()
                .setType(r.type() == ResourceReservation.Type.STATIC ? Resource.ReservationInfo.Type.STATIC
                        : Resource.ReservationInfo.Type.DYNAMIC)
                .setRole(r.role());
        r.principal().ifPresent(b::setPrincipal);
        if (!r.labels().isEmpty()) {
            b.setLabels(labels(r.labels()));
        }
        return b.build();
    }

    private static MesosDisk disk(Resource.DiskInfo d) {
        Optional<String> type = d.hasSource() ? Optional.of(d.getSource().getType().name()) : Optional.empty();
        Optional<String> root = d.hasSource() && d.getSource().hasMount() ? Optional.of(d.getSource().getMount().getRoot())
                : d.hasSource() && d.getSource().hasPath() ? Optional.of(d.getSource().getPath().getRoot())
                : Optional.empty();
        return new MesosDisk(type, root,
                d.hasPersistence() ? Optional.of(d.getPersistence().getId()) : Optional.empty(),
                d.hasPersistence() && d.getPersistence().hasPrincipal()
                        ? Optional.of(d.getPersistence().getPrincipal()) : Optional.empty(),
                d.hasVolume() ? Optional.of(d.getVolume().getContainerPath()) : Optional.empty(),
                d.hasVolume() && d.getVolume().getMode() == Volume.Mode.RO);
    }

    private static Resource.DiskInfo disk(MesosDisk d) {
        Resource.DiskInfo.Builder b = Resource.DiskInfo.newBuilder();
        d.sourceType().ifPresent(type -> {
            Resource.DiskInfo.Source.Builder s = Resource.DiskInfo.Source.newBuilder()
                    .setType(Resource.DiskInfo.Source.Type.valueOf(type));
            d.sourceRoot().ifPresent(root -> {
                if (type.equals("MOUNT")) {
                    s.setMount(Resource.DiskInfo.Source.Mount.newBuilder().setRoot(root));
                } else if (type.equals("PATH")) {
                    s.setPath(Resource.DiskInfo.Source.Path.newBuilder().setRoot(root));
                }
            });
            b.setSource(s);
        });
        d.persistenceId().ifPresent(id -> {
            Resource.DiskInfo.Persistence.Builder p = Resource.DiskInfo.Persistence.newBuilder().setId(id);
            d.persistencePrincipal().ifPresent(p::setPrincipal);
            b.setPersistence(p);
        });
        d.containerPath().ifPresent(path -> b.setVolume(Volume.newBuilder().setContainerPath(path)
                .setMode(d.readOnly() ? Volume.Mode.RO : Volume.Mode.RW)));
        return b.build();
    }

    private static String attributeText(Attribute a) {
        return switch (a.getType()) {
            case TEXT -> a.getText().getValue();
            case SCALAR -> Double.toString(a.getScalar().getValue());
            case RANGES -> a.getRanges().getRangeList().stream().map(x -> x.getBegin() + "-" + x.getEnd())
                    .collect(Collectors.joining(",", "[", "]"));
            case SET -> a.getSet().getItemList().stream().collect(Collectors.joining(",", "{", "}"));
        };
    }
}
