from django.urls import path

from exchange.boms.api import products, results

org = "orgs/<slug:org_slug>/"
bp = f"{org}buyer-products/<str:buyer_product_id>/"

urlpatterns = [
    path(f"{org}buyer-products/", products.BuyerProductListApi.as_view(), name="buyer-products"),
    path(bp, products.BuyerProductDetailApi.as_view(), name="buyer-product"),
    path(f"{bp}lines/", products.BomLineListApi.as_view(), name="bom-lines"),
    path(f"{bp}lines/<str:bom_line_id>/", products.BomLineDetailApi.as_view(), name="bom-line"),
    path(f"{bp}aggregation/", results.AggregationApi.as_view(), name="buyer-product-aggregation"),
    path(f"{bp}exposure/", results.ExposureApi.as_view(), name="buyer-product-exposure"),
    path(f"{bp}recompute/", results.RecomputeApi.as_view(), name="buyer-product-recompute"),
    path(f"{org}chase-list/", results.ChaseListApi.as_view(), name="chase-list"),
]
